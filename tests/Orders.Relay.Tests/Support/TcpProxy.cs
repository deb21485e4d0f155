using System.Net;
using System.Net.Sockets;

namespace Orders.Relay.Tests.Support;

/// <summary>
/// Forwards a loopback port to a target. Its port is reserved up front, so a client can be pointed at it before it
/// listens: until <see cref="Start"/> connections are refused, as for a Kafka that is down.
/// </summary>
internal sealed class TcpProxy : IDisposable
{
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly CancellationTokenSource stop = new();
    private TcpListener? listener;

    public TcpProxy(string target)
    {
        var separator = target.LastIndexOf(':');
        targetHost = target[..separator];
        targetPort = int.Parse(target[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public void Start()
    {
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Start();
        _ = AcceptAsync(listener, stop.Token);
    }

    public void Dispose()
    {
        stop.Cancel();
        listener?.Stop();
        stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener server, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await server.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = PipeAsync(client, cancellationToken);
        }
    }

    private async Task PipeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        using (var target = new TcpClient())
        {
            try
            {
                await target.ConnectAsync(targetHost, targetPort, cancellationToken);
                var inbound = client.GetStream();
                var outbound = target.GetStream();
                await Task.WhenAny(inbound.CopyToAsync(outbound, cancellationToken), outbound.CopyToAsync(inbound, cancellationToken));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
                // One side closed; closing both ends the connection as a network cut would.
            }
        }
    }
}
