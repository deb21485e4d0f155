namespace Orders.Benchmark.Load;

/// <summary>Performs one step of an order: through the API, or as the API's SQL sent straight to PostgreSQL.</summary>
internal interface IOrderWriter
{
    /// <summary>Performs <paramref name="step"/> and moves <paramref name="order"/> on when it succeeds.</summary>
    Task<StepResult> WriteAsync(OrderStep step, OrderState order, CancellationToken cancellationToken);
}
