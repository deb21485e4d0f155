using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Orders.Ops.Tests.Images;

/// <summary>ops/docker/http-healthcheck.sh, the API image's HEALTHCHECK (the aspnet image has no curl or wget).</summary>
public sealed class HealthProbeTests
{
    private const string Probe = "ops/docker/http-healthcheck.sh";

    [Fact]
    public async Task It_succeeds_on_200_and_fails_on_503_from_the_port_kestrel_listens_on()
    {
        var ready = true;
        await using var api = await StubServer.StartAsync(app => app.MapGet(
            "/health/ready",
            () => Volatile.Read(ref ready) ? Results.Text("Healthy") : Results.Text("Unhealthy", statusCode: 503)));
        // As in the image: ASPNETCORE_HTTP_PORTS may list several ports; Kestrel's first one is probed.
        var environment = new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = $"{api.Address.Port};8081" };

        var healthy = await ScriptRun.RunAsync(Probe, ["/health/ready"], environment);
        Volatile.Write(ref ready, false);
        var unhealthy = await ScriptRun.RunAsync(Probe, ["/health/ready"], environment);

        Assert.True(healthy.ExitCode == 0, healthy.Output);
        Assert.NotEqual(0, unhealthy.ExitCode);
    }

    [Fact]
    public async Task It_fails_when_nothing_listens()
    {
        await using var api = await StubServer.StartAsync(_ => { });
        var port = api.Address.Port;
        await api.DisposeAsync();

        var run = await ScriptRun.RunAsync(Probe, [], new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = $"{port}" });

        Assert.NotEqual(0, run.ExitCode);
    }
}
