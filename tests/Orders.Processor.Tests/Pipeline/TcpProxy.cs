using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Orders.Processor.Tests.Pipeline;

/// <summary>
/// Forwards TCP connections to a server. While <see cref="Cut"/>, every open connection drops and every new one is closed
/// at once, as if that server had crashed, for the clients of this proxy only; <see cref="Restore"/> ends it.
/// </summary>
internal sealed class TcpProxy : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource disposed = new();
    private readonly ConcurrentDictionary<TcpClient, bool> connections = new();
    private readonly string targetHost;
    private readonly int targetPort;
    private volatile bool cut;

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
        cut = true;
        foreach (var connection in connections.Keys)
        {
            connection.Dispose();
        }
    }

    public void Restore() => cut = false;

    public void Dispose()
    {
        disposed.Cancel();
        listener.Stop();
        Cut();
        disposed.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(disposed.Token);
                if (cut)
                {
                    client.Dispose();
                    continue;
                }

                var server = new TcpClient();
                connections[client] = true;
                connections[server] = true;
                await server.ConnectAsync(targetHost, targetPort, disposed.Token);
                _ = PumpAsync(client, server);
                _ = PumpAsync(server, client);
            }
        }
        catch (Exception) when (disposed.IsCancellationRequested)
        {
            // Disposed: nothing more is accepted.
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), disposed.Token);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // Either side closed or the proxy was cut; both are closed below.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
            connections.TryRemove(from, out _);
            connections.TryRemove(to, out _);
        }
    }
}
