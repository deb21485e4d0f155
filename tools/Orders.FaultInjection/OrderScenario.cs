namespace Orders.FaultInjection;

/// <summary>What a client does with one order, and so how the order must end.</summary>
internal enum OrderScenario
{
    Delivered,
    Shipped,
    Paid,
    CancelledByCustomer,
    CancelledAfterPayment,
    PaymentTimedOut,
}
