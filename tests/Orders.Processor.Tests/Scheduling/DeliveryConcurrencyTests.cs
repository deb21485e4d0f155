using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orders.Processor.Scheduling;
using Xunit;

namespace Orders.Processor.Tests.Scheduling;

/// <summary>The clock's delivery concurrency: halved when the Orders API refuses for load, regained one at a time.</summary>
public sealed class DeliveryConcurrencyTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public void A_refusal_for_load_halves_it_down_to_one_and_each_full_group_adds_one_back_up_to_the_maximum(HttpStatusCode status)
    {
        var concurrency = Create(maximum: 10);
        var refusal = new InvalidOperationException("saga step failed", new HttpRequestException("refused", null, status));

        Assert.True(concurrency.RefusedForLoad(refusal));
        Assert.Equal(5, concurrency.Current);
        concurrency.RefusedForLoad(refusal);
        concurrency.RefusedForLoad(refusal);
        concurrency.RefusedForLoad(refusal);
        Assert.Equal(1, concurrency.Current);

        for (var i = 0; i < 20; i++)
        {
            concurrency.Delivered();
        }

        Assert.Equal(10, concurrency.Current);
    }

    [Fact]
    public void Other_failures_leave_it_as_it_is()
    {
        var concurrency = Create(maximum: 10);

        Assert.False(concurrency.RefusedForLoad(new HttpRequestException("bad", null, HttpStatusCode.InternalServerError)));
        Assert.False(concurrency.RefusedForLoad(new TimeoutException()));
        Assert.Equal(10, concurrency.Current);
    }

    public void Dispose() => services.Dispose();

    private DeliveryConcurrency Create(int maximum) => new(
        Options.Create(new SchedulingOptions { MaxConcurrency = maximum }),
        new OrdersProcessorMetrics(services.GetRequiredService<IMeterFactory>()));
}
