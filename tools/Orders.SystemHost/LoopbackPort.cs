using System.Net;
using System.Net.Sockets;

namespace Orders.SystemHost;

/// <summary>Free ports on 127.0.0.1, for servers the system and the tests start.</summary>
public static class LoopbackPort
{
    /// <summary>A port nothing listens on right now; the caller binds it soon after.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
