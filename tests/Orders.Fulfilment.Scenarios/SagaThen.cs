using System.Runtime.CompilerServices;
using System.Text;
using Orders.Processor.Fulfilment;
using Orders.Processor.OrdersApi;

namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// What the saga holds for one order at a point of a scenario, with expectations that chain. A failed expectation
/// throws <see cref="ScenarioFailedException"/> naming the back-end and showing the whole picture: state, recorded
/// fields, pending timeouts and API calls.
/// </summary>
public sealed class SagaThen
{
    private readonly string backend;
    private readonly ScenarioOrder order;
    private readonly OrderFulfilmentState? saga;

    internal SagaThen(
        string backend, ScenarioOrder order, OrderFulfilmentState? saga, IReadOnlyList<PendingTimeout> timeouts, IReadOnlyList<ApiCall> apiCalls)
    {
        this.backend = backend;
        this.order = order;
        this.saga = saga;
        Timeouts = timeouts;
        ApiCalls = apiCalls;
    }

    /// <summary>The saga row; a failure when the saga has none.</summary>
    public OrderFulfilmentState Saga => saga ?? throw Failure("the saga has no row for the order");

    public IReadOnlyList<PendingTimeout> Timeouts { get; }

    /// <summary>The calls made for the order, each distinct request once (see <see cref="ScenarioOrdersApi.CallsFor"/>).</summary>
    public IReadOnlyList<ApiCall> ApiCalls { get; }

    public SagaThen IsIn(string state) =>
        Saga.CurrentState == state ? this : throw Failure($"expected state {state}, found {Saga.CurrentState}");

    public SagaThen HasNoSaga() => saga is null ? this : throw Failure("expected no saga row");

    /// <summary>A recorded field has the value: <c>Has(s =&gt; s.PaidAt, scenario.Start)</c>.</summary>
    public SagaThen Has<T>(Func<OrderFulfilmentState, T> field, T expected, [CallerArgumentExpression(nameof(field))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        var actual = field(Saga);
        return EqualityComparer<T>.Default.Equals(actual, expected)
            ? this
            : throw Failure($"expected {name} = {Show(expected)}, found {Show(actual)}");
    }

    /// <summary>Exactly these timeouts are pending, in due order.</summary>
    public SagaThen HasTimeouts(params PendingTimeout[] expected) =>
        Timeouts.SequenceEqual(expected)
            ? this
            : throw Failure($"expected timeouts [{string.Join(", ", expected.AsEnumerable())}], found [{string.Join(", ", Timeouts)}]");

    public SagaThen HasNoTimeouts() => HasTimeouts();

    public SagaThen MadeNoApiCalls() =>
        ApiCalls.Count == 0 ? this : throw Failure($"expected no API calls, found {ApiCalls.Count}");

    /// <summary>
    /// The only request made for the order is the cancellation with this reason, under the key the processor derives
    /// from order and reason (so every retry replays it), answered <paramref name="answered"/>; and, when given, with
    /// this <c>If-Match</c> precondition.
    /// </summary>
    public SagaThen AskedToCancel(string reason, int answered = 200, string? ifMatch = null)
    {
        var expected = new ApiCall(
            order.Id, "POST", $"/orders/{order.Id}/cancellation", $$"""{"reason":"{{reason}}"}""",
            OrdersApiClient.IdempotencyKey(order.Id, reason), ifMatch, answered);
        var matches = ApiCalls.Count > 0 && ApiCalls.All(c => (ifMatch is null ? c with { IfMatch = null } : c) == expected);
        return matches ? this : throw Failure($"expected only the call {expected}");
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"order {order.Id} (API: {order.Status}, sequence {order.Sequence})");
        if (saga is null)
        {
            text.Append("\n  saga: none");
        }
        else
        {
            text.Append("\n  saga:");
            foreach (var property in typeof(OrderFulfilmentState).GetProperties())
            {
                if (property.GetValue(saga) is { } value && property.Name is not (nameof(OrderFulfilmentState.CorrelationId) or nameof(OrderFulfilmentState.Version)))
                {
                    text.Append(System.Globalization.CultureInfo.InvariantCulture, $" {property.Name}={Show(value)}");
                }
            }
        }

        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n  timeouts: [{string.Join(", ", Timeouts)}]");
        foreach (var call in ApiCalls)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n  api: {call}");
        }

        return text.ToString();
    }

    private ScenarioFailedException Failure(string what) => new($"[{backend}] {what}\n{this}");

    private static string Show(object? value) => value switch
    {
        null => "null",
        DateTimeOffset time => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
