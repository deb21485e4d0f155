using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orders.Processor.Data;
using Orders.Processor.OrdersApi;
using Orders.Processor.SagaRepository;
using Orders.Processor.Scheduling;

namespace Orders.Processor.Fulfilment;

public static class FulfilmentExtensions
{
    /// <summary>
    /// The service key of the fulfilment clock: the <see cref="TimeProvider"/> the saga stamps and schedules with and
    /// the timeout clock claims due rows with (<see cref="TimeProvider.System"/> unless one is registered under this
    /// key). Keyed, because Quartz runs its triggers on an unkeyed one: a test moves this clock while Quartz keeps firing
    /// in real time.
    /// </summary>
    public const string ClockKey = "fulfilment";

    /// <summary>
    /// Registers MassTransit's mediator with the fulfilment saga and everything it needs: the saga table
    /// (<see cref="FulfilmentDbContext"/>, optional start-up migration), timeouts in the same database with a Quartz clock, and the
    /// Orders API client. <c>IMediator.Send(orderEvent, orderEvent.GetType(), ct)</c> returns once the saga's new state and
    /// every scheduling change it made are committed in PostgreSQL, and throws otherwise (after retrying concurrency
    /// conflicts and deadlocks). <see cref="ISagaTransactions"/> applies several events in one such transaction.
    /// Settings: <c>ConnectionStrings:Orders</c>, <c>Fulfilment</c>, <c>OrdersApi</c>, <c>Scheduling</c>, <c>Database</c>.
    /// </summary>
    public static IHostApplicationBuilder AddFulfilment(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Database first: its start-up migration must run before Quartz's hosted service validates the store.
        builder.AddFulfilmentDatabase();
        builder.AddFulfilmentScheduling();
        builder.AddOrdersApiClient();
        builder.Services.AddFulfilmentSaga(builder.Configuration);
        builder.Services.AddSingleton<ISagaTransactions, EntityFrameworkSagaTransactions<FulfilmentDbContext, OrderFulfilmentState>>();

        builder.Services.AddMediator(mediator =>
        {
            mediator
                .AddSagaStateMachine<OrderFulfilmentStateMachine, OrderFulfilmentState>((_, saga) =>
                    saga.UseFilter(new SagaTransactionSchedulerFilter<OrderFulfilmentState>()))
                .Repository(r => r.RegisterSagaRepository<
                    OrderFulfilmentState,
                    DbContext,
                    SagaConsumeContextFactory<DbContext, OrderFulfilmentState>,
                    EntityFrameworkSagaRepositoryContextFactory<FulfilmentDbContext, OrderFulfilmentState>>());

            // Optimistic concurrency: the loser of a race on one saga row reloads and applies its event on top.
            mediator.ConfigureMediator((_, cfg) => cfg.UseMessageRetry(r =>
            {
                r.Handle<Exception>(IsTransient);
                r.Exponential(10, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(20));
            }));
        });
        return builder;
    }

    /// <summary>
    /// What the state machine needs besides persistence: its options, metrics, its activities and the clock
    /// (<see cref="ClockKey"/>).
    /// </summary>
    internal static IServiceCollection AddFulfilmentSaga(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FulfilmentOptions>()
            .Bind(configuration.GetSection(FulfilmentOptions.SectionName))
            .Validate(o => o.PaymentTimeout > TimeSpan.Zero && o.ShipmentTimeout > TimeSpan.Zero,
                "Fulfilment:PaymentTimeout and Fulfilment:ShipmentTimeout must be positive.")
            .ValidateOnStart();
        services.AddSingleton<OrdersProcessorMetrics>();
        services.TryAddKeyedSingleton(ClockKey, TimeProvider.System);
        services.AddScoped<RequestPaymentTimeoutCancellation>();
        services.AddScoped(typeof(ParkOrder<>));
        return services;
    }

    /// <summary>Failures that a fresh attempt of the same message can get past.</summary>
    internal static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // Outermost first: whatever it wraps happened in a batch's transaction, which is aborted now.
                case SagaBatchFailedException:
                    return false;
                case DbUpdateConcurrencyException:
                    return true;
                // A concurrent first insert of the same saga, or a lock cycle between two saga transactions.
                case PostgresException
                {
                    SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected
                        or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable,
                }:
                    return true;
                case NpgsqlException { IsTransient: true }:
                    return true;
            }
        }

        return false;
    }
}
