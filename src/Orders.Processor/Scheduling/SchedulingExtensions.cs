using MassTransit;
using Quartz;

namespace Orders.Processor.Scheduling;

public static class SchedulingExtensions
{
    /// <summary>The Quartz scheduler name; every node of the cluster uses it.</summary>
    public const string SchedulerName = "fulfilment";

    /// <summary>
    /// Registers the clustered Quartz scheduler on the <c>fulfilment.qrtz_*</c> store of <c>ConnectionStrings:Orders</c>,
    /// its hosted service, and <see cref="QuartzScheduleMessageProvider"/>. Settings: section <c>Scheduling</c>.
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
            .Validate(o => o.IdleWaitTime >= TimeSpan.FromSeconds(1), "Scheduling:IdleWaitTime must be at least 1 s (Quartz's minimum).")
            .Validate(o => o.ClusterCheckinInterval > TimeSpan.Zero, "Scheduling:ClusterCheckinInterval must be positive.")
            .Validate(o => o.MaxConcurrency > 0, "Scheduling:MaxConcurrency must be positive.")
            .Validate(o => o.MisfireThreshold > TimeSpan.Zero, "Scheduling:MisfireThreshold must be positive.")
            .Validate(o => o.RetryInterval > TimeSpan.Zero, "Scheduling:RetryInterval must be positive.")
            .ValidateOnStart();

        builder.Services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(s =>
            {
                s.InstanceName = SchedulerName;
                s.IdleWaitTime = settings.IdleWaitTime;
            });
            quartz.UseDefaultThreadPool(settings.MaxConcurrency);
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseSystemTextJsonSerializer();
                store.UseClustering(c => c.CheckinInterval = settings.ClusterCheckinInterval);
                store.ConfigureStore(o =>
                {
                    o.TablePrefix = "fulfilment.qrtz_";
                    o.MisfireThreshold = settings.MisfireThreshold;
                    // Scheduling joins the saga's transaction (EnlistSchedulerFilter).
                    o.AcceptEnlistedTransactions = true;
                    // Acquisition takes TRIGGER_ACCESS like the saga transactions do, so the two meet in one lock order.
                    o.AcquireTriggersWithinLock = true;
                });
            });
        });
        // Lets an in-flight delivery finish before the node leaves; one that fails stays in the store for the next node.
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

        builder.Services.AddSingleton<IScheduleMessageProvider, QuartzScheduleMessageProvider>();
        return builder;
    }
}
