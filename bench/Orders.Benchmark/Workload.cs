namespace Orders.Benchmark;

/// <summary>What each simulated order does.</summary>
internal enum Workload
{
    /// <summary>Every order is only submitted: one API write and one saga event per order.</summary>
    Submit,

    /// <summary>Orders are submitted, then most are paid, some shipped and delivered, a few cancelled.</summary>
    Lifecycle,
}
