using System.Net;
using System.Net.Sockets;

namespace Orders.Api.Tests;

/// <summary>
/// A loopback port that refuses connections until <see cref="Start"/>, then forwards each to <c>127.0.0.1:target</c>:
/// a database that comes up after its client started.
/// </summary>
internal sealed class TcpForwarder(int targetPort) : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private TcpListener? listener;
    private Task accepting = Task.CompletedTask;

    public int Port { get; } = FreePort();

    public void Start()
    {
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Start();
        accepting = AcceptAsync(listener, stopping.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener?.Stop();
        await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        stopping.Dispose();
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptAsync(TcpListener tcp, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var client = await tcp.AcceptTcpClientAsync(cancellationToken);
            _ = ForwardAsync(client, cancellationToken);
        }
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        using (var server = new TcpClient())
        {
            await server.ConnectAsync(IPAddress.Loopback, targetPort, cancellationToken);
            var upstream = client.GetStream().CopyToAsync(server.GetStream(), cancellationToken);
            var downstream = server.GetStream().CopyToAsync(client.GetStream(), cancellationToken);
            await Task.WhenAny(upstream, downstream);
        }
    }
}
