using Npgsql;
using Quartz;

namespace Orders.Processor.Scheduling;

public static class SchedulingExtensions
{
    /// <summary>The Quartz scheduler name; every node of the cluster uses it.</summary>
    public const string SchedulerName = "fulfilment";

    /// <summary>
    /// Registers the delivery of fulfilment timeouts from <c>fulfilment.scheduled_timeout</c> of
    /// <c>ConnectionStrings:Orders</c>: the clustered Quartz scheduler on the <c>fulfilment.qrtz_*</c> store, its hosted
    /// service, and <see cref="DeliverDueTimeoutsJob"/> on a trigger repeating every <c>Scheduling:PollInterval</c>.
    /// Scheduling itself is <see cref="SagaTransactionSchedulerFilter{TSaga}"/> on the saga. Settings: section
    /// <c>Scheduling</c>.
    /// </summary>
    public static IHostApplicationBuilder AddFulfilmentScheduling(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString("Orders")
            ?? throw new InvalidOperationException("ConnectionStrings:Orders is not set.");
        var section = builder.Configuration.GetSection(SchedulingOptions.SectionName);
        var settings = section.Get<SchedulingOptions>() ?? new SchedulingOptions();

        builder.Services.AddOptions<SchedulingOptions>()
            .Bind(section)
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Scheduling:PollInterval must be positive.")
            .Validate(o => o.BatchSize > 0, "Scheduling:BatchSize must be positive.")
            .Validate(o => o.MaxConcurrency > 0, "Scheduling:MaxConcurrency must be positive.")
            .Validate(o => o.ConcurrentFirings > 0, "Scheduling:ConcurrentFirings must be positive.")
            .Validate(o => o.RetryInterval > TimeSpan.Zero, "Scheduling:RetryInterval must be positive.")
            .Validate(o => o.MaxDeliveryAttempts > 0, "Scheduling:MaxDeliveryAttempts must be positive.")
            .Validate(o => o.IdleWaitTime >= TimeSpan.FromSeconds(1), "Scheduling:IdleWaitTime must be at least 1 s (Quartz's minimum).")
            .Validate(o => o.ClusterCheckinInterval > TimeSpan.Zero, "Scheduling:ClusterCheckinInterval must be positive.")
            .ValidateOnStart();

        builder.Services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(s =>
            {
                s.InstanceName = SchedulerName;
                s.IdleWaitTime = settings.IdleWaitTime;
            });
            // A thread per firing that may run at once; the clock job is all Quartz runs.
            quartz.UseDefaultThreadPool(settings.ConcurrentFirings);
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseSystemTextJsonSerializer();
                store.UseClustering(c => c.CheckinInterval = settings.ClusterCheckinInterval);
                store.ConfigureStore(o => o.TablePrefix = "fulfilment.qrtz_");
            });

            quartz.AddJob<DeliverDueTimeoutsJob>(job => job.WithIdentity(DeliverDueTimeoutsJob.Key).StoreDurably());
            // Rewritten by every node at start, so the interval follows the configuration. A firing missed while every
            // node was down or busy runs at once.
            quartz.AddTrigger(trigger => trigger
                .WithIdentity(DeliverDueTimeoutsJob.Key.Name, SchedulerName)
                .ForJob(DeliverDueTimeoutsJob.Key)
                .StartNow()
                .WithSimpleSchedule(s => s
                    .WithInterval(settings.PollInterval)
                    .RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount)));
        });
        // Lets an in-flight delivery finish before the node leaves; a timeout it could not deliver is claimed again later.
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

        builder.Services.AddSingleton(_ => new ScheduledTimeoutQueue(NpgsqlDataSource.Create(connectionString)));
        builder.Services.AddSingleton<DeliveryConcurrency>();
        return builder;
    }
}
