namespace Orders.FaultInjection;

/// <summary>One fault the injector can cause.</summary>
internal enum FaultKind
{
    KillApi,
    KillRelay,
    KillProcessor,
    RestartPostgres,
    BrokerDownAndUp,
    RequestErrors,
    LeaderMove,
}
