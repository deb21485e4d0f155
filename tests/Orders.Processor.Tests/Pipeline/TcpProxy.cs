using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Orders.Processor.Tests.Pipeline;

/// <summary>
/// Forwards TCP connections to a server until <see cref="Cut"/>: then every open connection drops and new ones are
/// refused, as if that server had crashed, for the clients of this proxy only.
/// </summary>
internal sealed class TcpProxy : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource cut = new();
    private readonly ConcurrentBag<TcpClient> connections = [];
    private readonly string targetHost;
    private readonly int targetPort;

    private TcpProxy(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public static TcpProxy Start(string targetHost, int targetPort) => new(targetHost, targetPort);

    public void Cut()
    {
        cut.Cancel();
        listener.Stop();
        foreach (var connection in connections)
        {
            connection.Dispose();
        }
    }

    public void Dispose()
    {
        if (!cut.IsCancellationRequested)
        {
            Cut();
        }

        cut.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(cut.Token);
                var server = new TcpClient();
                connections.Add(client);
                connections.Add(server);
                await server.ConnectAsync(targetHost, targetPort, cut.Token);
                _ = PumpAsync(client, server);
                _ = PumpAsync(server, client);
            }
        }
        catch (Exception) when (cut.IsCancellationRequested)
        {
            // Cut: nothing more is accepted.
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), cut.Token);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Either side closed or the proxy was cut; the other side is closed below.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
