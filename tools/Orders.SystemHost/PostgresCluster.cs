using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Orders.SystemHost;

/// <summary>
/// A private PostgreSQL cluster started from the installed server binaries: initdb into a folder, pg_ctl on a free
/// loopback port. Tests use a throw-away folder; the local run keeps its folder between runs.
/// </summary>
/// <remarks>
/// The server refuses to run as root, so when this process is root (as CI is) every server command runs as the
/// <c>postgres</c> user and the data folder is handed to that user.
/// </remarks>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string SuperUser = "postgres";
    private const string RolesScript = "component-roles.sql";
    private static readonly string[] RoleVariables =
        ["owner_password", "api_password", "processor_password", "relay_password", "connect_password", "operations_password"];
    private readonly SemaphoreSlim rolesScriptLock = new(1, 1);
    private readonly string binDirectory;
    private readonly bool ownsDataDirectory;
    private Process? watchdog;
    private bool stopped;

    private PostgresCluster(string binDirectory, string dataDirectory, int port, bool ownsDataDirectory)
    {
        this.binDirectory = binDirectory;
        DataDirectory = dataDirectory;
        Port = port;
        this.ownsDataDirectory = ownsDataDirectory;
    }

    /// <summary>The cluster's data folder.</summary>
    public string DataDirectory { get; }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Connection string of the cluster's <c>postgres</c> database.</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    /// <summary>
    /// Starts a throw-away cluster tuned for tests (no fsync: it survives its server being killed, not the machine
    /// crashing); its folder is deleted on dispose.
    /// </summary>
    public static Task<PostgresCluster> StartTemporaryAsync(CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), "orders-pg-" + Guid.NewGuid().ToString("N")[..12]);
        return StartAsync(directory, durable: false, ownsDataDirectory: true, port: null, cancellationToken);
    }

    /// <summary>
    /// Starts (initialising on first use) a cluster whose data lives in <paramref name="dataDirectory"/> and is kept.
    /// A server left running on that folder by an owner that died is stopped first: the caller must hold the folder
    /// exclusively (the local run's lock file does).
    /// </summary>
    public static Task<PostgresCluster> StartPersistentAsync(
        string dataDirectory, int? port = null, CancellationToken cancellationToken = default) =>
        StartAsync(Path.GetFullPath(dataDirectory), durable: true, ownsDataDirectory: false, port, cancellationToken);

    /// <summary>The folder holding <c>initdb</c> and <c>pg_ctl</c>, or an exception that says what to install.</summary>
    public static string FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("PG_BIN");
        if (!string.IsNullOrEmpty(configured) && File.Exists(Path.Combine(configured, "initdb")))
        {
            return configured;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries were not found (looked for initdb under /usr/lib/postgresql/*/bin and in $PG_BIN). " +
            "Install them with: sudo apt-get install -y postgresql-15  (or set PG_BIN to the folder that holds initdb).");
    }

    /// <summary>Connection string for a database of this cluster.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Database = database,
    }.ConnectionString;

    /// <summary>
    /// Creates an empty database with the component logins of ops/database/component-roles.sql, and returns them.
    /// </summary>
    public async Task<OrdersDatabase> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return await GrantComponentRolesAsync(name, cancellationToken);
    }

    /// <summary>
    /// Creates a database unless it exists, gives it the component logins of ops/database/component-roles.sql, and
    /// returns them.
    /// </summary>
    public async Task<OrdersDatabase> EnsureDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", name);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return await GrantComponentRolesAsync(name, cancellationToken);
    }

    /// <summary>
    /// Stops the server the way a crash would (immediate mode: every backend exits at once, no checkpoint) and starts
    /// it again on the same port, which runs crash recovery from the write-ahead log.
    /// </summary>
    public async Task RestartAbruptlyAsync(CancellationToken cancellationToken = default)
    {
        await RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], cancellationToken);
        await StartServerAsync(cancellationToken);
    }

    /// <summary>Stops the server (fast shutdown) and, for a temporary cluster, deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!stopped)
        {
            stopped = true;
            await RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None, throwOnError: false);
        }

        if (watchdog is not null)
        {
            watchdog.Kill(entireProcessTree: true);
            await watchdog.WaitForExitAsync();
            watchdog.Dispose();
            watchdog = null;
        }

        NpgsqlConnection.ClearAllPools();
        rolesScriptLock.Dispose();
        if (ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private static async Task<PostgresCluster> StartAsync(
        string dataDirectory, bool durable, bool ownsDataDirectory, int? port, CancellationToken cancellationToken)
    {
        var cluster = new PostgresCluster(FindBinDirectory(), dataDirectory, port ?? LoopbackPort.Free(), ownsDataDirectory);
        try
        {
            await cluster.InitialiseAsync(durable, cancellationToken);
            await cluster.StopLeftoverServerAsync(cancellationToken);
            await cluster.StartServerAsync(cancellationToken);
            cluster.StartWatchdog();
            return cluster;
        }
        catch
        {
            cluster.stopped = !File.Exists(Path.Combine(dataDirectory, "postmaster.pid"));
            await cluster.DisposeAsync();
            throw;
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private async Task InitialiseAsync(bool durable, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            return;
        }

        Directory.CreateDirectory(DataDirectory);
        if (IsRoot)
        {
            await RunRawAsync("chown", [SuperUser, DataDirectory], cancellationToken);
        }

        await RunAsync(
            "initdb",
            ["-D", DataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            cancellationToken);

        // Tests trade durability against a machine crash for speed (no fsync); a kept local cluster does not. Commits
        // stay synchronous even here: with synchronous_commit off, a server killed mid-run (the fault-injection program
        // does that) loses commits it had already acknowledged and others had already read.
        var settings = new List<string>
        {
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "max_connections = 300",
            "shared_buffers = '256MB'",
        };
        if (!durable)
        {
            settings.AddRange(["fsync = off", "full_page_writes = off"]);
        }

        await File.AppendAllLinesAsync(Path.Combine(DataDirectory, "postgresql.auto.conf"), settings, cancellationToken);
    }

    /// <summary>
    /// A kept cluster whose owner died without stopping it still runs on its folder; callers hold the folder's lock,
    /// so that server is nobody's and is stopped before a new one starts.
    /// </summary>
    private async Task StopLeftoverServerAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], cancellationToken, throwOnError: false);
        }
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var logFile = Path.Combine(DataDirectory, "server.log");
        try
        {
            await RunAsync(
                "pg_ctl",
                ["-D", DataDirectory, "-l", logFile, "-o", $"-p {Port}", "-w", "-t", "60", "start"],
                cancellationToken);
        }
        catch (InvalidOperationException e) when (File.Exists(logFile))
        {
            // pg_ctl only says "could not start server"; the reason (port in use, bad data folder) is in the log.
            var reason = (await File.ReadAllLinesAsync(logFile, cancellationToken)).TakeLast(5);
            throw new InvalidOperationException(
                $"PostgreSQL did not start on port {Port} with data in {DataDirectory}:\n{string.Join('\n', reason)}", e);
        }
    }

    /// <summary>
    /// pg_ctl's server detaches from this process, so it would outlive a runner that is killed. The watchdog, in a
    /// session of its own, waits for its standard input to close, which happens however this process ends, and then
    /// stops the server. A normal dispose stops the server itself and ends the watchdog.
    /// </summary>
    private void StartWatchdog()
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetTempPath(),
        };

        // Its output goes nowhere: the terminal or pipe it would write to may be gone by the time it runs.
        string[] stop = ["sh", "-c", "cat >/dev/null; exec \"$@\" >/dev/null 2>&1", "postgres-watchdog", .. Command("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"])];
        foreach (var argument in stop)
        {
            startInfo.ArgumentList.Add(argument);
        }

        watchdog = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start the PostgreSQL watchdog.");
    }

    /// <summary>
    /// Runs the roles script with psql, as ops/compose's init does. The cluster trusts loopback logins, so the logins
    /// get no passwords. One database at a time: the script's ALTER ROLEs would clash across concurrent runs.
    /// </summary>
    private async Task<OrdersDatabase> GrantComponentRolesAsync(string database, CancellationToken cancellationToken)
    {
        await rolesScriptLock.WaitAsync(cancellationToken);
        try
        {
            string[] arguments =
            [
                "--quiet", "--no-psqlrc", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", SuperUser,
                "-d", database, "-v", "db=" + database, "-f", "-",
                .. RoleVariables.SelectMany(variable => new[] { "-v", variable + "=" }),
            ];
            await using var script = typeof(PostgresCluster).Assembly.GetManifestResourceStream(RolesScript)
                ?? throw new InvalidOperationException($"The embedded {RolesScript} is missing.");
            await RunRawAsync(Path.Combine(binDirectory, "psql"), arguments, cancellationToken, input: script);
            return OrdersDatabase.Of(ConnectionStringFor(database));
        }
        finally
        {
            rolesScriptLock.Release();
        }
    }

    private Task RunAsync(string tool, string[] arguments, CancellationToken cancellationToken, bool throwOnError = true)
    {
        var command = Command(tool, arguments);
        return RunRawAsync(command[0], command[1..], cancellationToken, throwOnError);
    }

    private string[] Command(string tool, string[] arguments)
    {
        var executable = Path.Combine(binDirectory, tool);
        return IsRoot ? ["runuser", "-u", SuperUser, "--", executable, .. arguments] : [executable, .. arguments];
    }

    /// <summary>Runs <paramref name="fileName"/>, with <paramref name="input"/> as its standard input when given.</summary>
    private static async Task RunRawAsync(
        string fileName, string[] arguments, CancellationToken cancellationToken, bool throwOnError = true, Stream? input = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        if (input is not null)
        {
            await input.CopyToAsync(process.StandardInput.BaseStream, cancellationToken);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync(cancellationToken);
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
