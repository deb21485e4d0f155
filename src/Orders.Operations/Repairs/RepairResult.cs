namespace Orders.Operations.Repairs;

/// <summary>What a repair did, or why it refused (nothing was changed then).</summary>
public sealed record RepairResult(bool Succeeded, string Message)
{
    public static RepairResult Done(string message) => new(true, message);

    public static RepairResult Refused(string message) => new(false, message);
}
