namespace Orders.LocalRun;

/// <summary>
/// An exclusive lock on the checkout's <c>.local</c> folder, held for the whole run. The operating system drops it
/// when the process dies, so a crashed run never blocks the next one.
/// </summary>
internal sealed class RunLock : IDisposable
{
    private readonly FileStream stream;

    private RunLock(FileStream stream) => this.stream = stream;

    public static RunLock? TryAcquire(string folder)
    {
        Directory.CreateDirectory(folder);
        try
        {
            var stream = new FileStream(Path.Combine(folder, "run.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true))
            {
                writer.Write(Environment.ProcessId);
            }

            return new RunLock(stream);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => stream.Dispose();
}
