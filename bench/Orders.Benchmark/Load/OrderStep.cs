namespace Orders.Benchmark.Load;

/// <summary>One write of an order's life, each one API request and one outbox row.</summary>
internal enum OrderStep
{
    Submit,
    Pay,
    Ship,
    Deliver,
    Cancel,
}
