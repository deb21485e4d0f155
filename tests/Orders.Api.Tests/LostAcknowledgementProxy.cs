using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orders.Api.Tests;

/// <summary>
/// A TCP proxy in front of PostgreSQL, on a port of its own or the one given, that can lose one acknowledgement
/// (unarmed, it only forwards): once armed with a piece of SQL, it forwards
/// the next message carrying that text to the server, waits for the server's answer (sent after the implicit
/// transaction committed), throws the answer away and cuts the connection. The client sees a broken connection for a
/// write that did commit.
/// </summary>
public sealed class LostAcknowledgementProxy : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly IPEndPoint server;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private byte[]? armedWith;
    private int lost;

    public LostAcknowledgementProxy(string host, int port, int listenPort = 0)
    {
        server = new IPEndPoint(IPAddress.Parse(host), port);
        listener = new TcpListener(IPAddress.Loopback, listenPort);
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>How many acknowledgements the proxy has thrown away.</summary>
    public int Lost => Volatile.Read(ref lost);

    /// <summary>Loses the acknowledgement of the next statement whose text contains <paramref name="sql"/>.</summary>
    public void LoseAcknowledgementOf(string sql) => Volatile.Write(ref armedWith, Encoding.UTF8.GetBytes(sql));

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        using (client)
        {
            try
            {
                await upstream.ConnectAsync(server, stopping.Token);
                var dropNextAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var toServer = PumpToServerAsync(client.GetStream(), upstream.GetStream(), dropNextAnswer);
                var toClient = PumpToClientAsync(upstream.GetStream(), client.GetStream(), dropNextAnswer.Task);
                await Task.WhenAny(toServer, toClient);
            }
            catch (IOException)
            {
            }
            catch (SocketException)
            {
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task PumpToServerAsync(NetworkStream from, NetworkStream to, TaskCompletionSource dropNextAnswer)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, stopping.Token)) > 0)
        {
            if (Volatile.Read(ref armedWith) is { } sql && buffer.AsSpan(0, read).IndexOf(sql) >= 0
                && Interlocked.CompareExchange(ref armedWith, null, sql) == sql)
            {
                dropNextAnswer.TrySetResult();
            }

            await to.WriteAsync(buffer.AsMemory(0, read), stopping.Token);
        }
    }

    private async Task PumpToClientAsync(NetworkStream from, NetworkStream to, Task dropNextAnswer)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, stopping.Token)) > 0)
        {
            if (dropNextAnswer.IsCompleted)
            {
                Interlocked.Increment(ref lost);
                return;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), stopping.Token);
        }
    }
}
