namespace Orders.Benchmark.Load;

/// <summary>What a client knows of one of its orders between steps.</summary>
internal sealed class OrderState(long userId)
{
    public long UserId { get; } = userId;

    public Guid Id { get; set; }

    public decimal Total { get; set; }

    /// <summary>The order's sequence after the last successful step (1 after submission).</summary>
    public int Sequence { get; set; }
}
