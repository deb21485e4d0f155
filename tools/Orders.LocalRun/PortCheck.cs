using System.Net;
using System.Net.Sockets;

namespace Orders.LocalRun;

/// <summary>
/// Finds a fixed port that another program already listens on, before anything starts: otherwise a deployable fails
/// to bind it half-way through start-up, or the run looks healthy while requests reach that other program.
/// </summary>
internal static class PortCheck
{
    /// <summary>A message naming the busy port and the option that moves it, or null when every port is free.</summary>
    public static string? FindBusyPort(LocalRunOptions options, string postgresDataDirectory)
    {
        (int Port, string What, string Option)[] ports =
        [
            (options.ApiPort, "the API", "--api-port"),
            (options.PostgresPort, "PostgreSQL", "--pg-port"),
        ];
        foreach (var (port, what, option) in ports)
        {
            if (!IsFree(port) && !(option == "--pg-port" && IsLeftoverServerOn(postgresDataDirectory, port)))
            {
                return $"Port {port}, wanted for {what}, is already in use by another program. " +
                    $"Stop that program or choose another port with {option} N.";
            }
        }

        return null;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// A server that an earlier run left on our own data folder holds the port too; it is stopped before PostgreSQL
    /// starts, so its port does not count as taken. Line 4 of postmaster.pid is the server's port.
    /// </summary>
    private static bool IsLeftoverServerOn(string dataDirectory, int port)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        return File.Exists(pidFile)
            && File.ReadLines(pidFile).Skip(3).FirstOrDefault()?.Trim() == port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
