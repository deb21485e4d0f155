using System.Net;
using System.Net.Sockets;

namespace Orders.SystemHost;

internal static class LoopbackPort
{
    /// <summary>A port nothing listens on right now; the caller binds it soon after.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
