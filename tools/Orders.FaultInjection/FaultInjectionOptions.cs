using System.Globalization;

namespace Orders.FaultInjection;

/// <summary>How long and how hard one run goes: <c>--short</c> for CI, the default for the figures in the README.</summary>
public sealed class FaultInjectionOptions
{
    public required string Mode { get; init; }

    /// <summary>Seeds the fault plan and the clients' choices, so a failing run can be repeated.</summary>
    public required int Seed { get; init; }

    /// <summary>Clients driving orders through the API at once.</summary>
    public required int Clients { get; init; }

    /// <summary>How long the clients run while faults are injected.</summary>
    public required TimeSpan LoadDuration { get; init; }

    /// <summary>SIGKILLs of each deployable (API, relay, processor) during the load.</summary>
    public required int KillsPerDeployable { get; init; }

    /// <summary>Abrupt PostgreSQL restarts during the load.</summary>
    public required int PostgresRestarts { get; init; }

    /// <summary>Broker faults (a broker down and up, injected request errors, a leader move) during the load.</summary>
    public required int BrokerFaults { get; init; }

    /// <summary>The saga's payment deadline; unpaid orders must end cancelled by it.</summary>
    public required TimeSpan PaymentTimeout { get; init; }

    /// <summary>The longest wait for the pipeline to settle after the load before the checks count as failed.</summary>
    public required TimeSpan SettleTimeout { get; init; }

    public static FaultInjectionOptions Parse(string[] args)
    {
        var isShort = false;
        int? seed = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--short":
                    isShort = true;
                    break;
                case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value):
                    seed = value;
                    i++;
                    break;
                default:
                    throw new ArgumentException(
                        $"Unknown argument '{args[i]}'. Usage: dotnet run -c Release --project tools/Orders.FaultInjection -- [--short] [--seed N]");
            }
        }

        var chosenSeed = seed ?? Random.Shared.Next();
        return isShort
            ? new FaultInjectionOptions
            {
                Mode = "short",
                Seed = chosenSeed,
                Clients = 4,
                LoadDuration = TimeSpan.FromSeconds(75),
                KillsPerDeployable = 10,
                PostgresRestarts = 2,
                BrokerFaults = 6,
                PaymentTimeout = TimeSpan.FromSeconds(30),
                SettleTimeout = TimeSpan.FromSeconds(75),
            }
            : new FaultInjectionOptions
            {
                Mode = "full",
                Seed = chosenSeed,
                Clients = 8,
                LoadDuration = TimeSpan.FromMinutes(5),
                KillsPerDeployable = 25,
                PostgresRestarts = 4,
                BrokerFaults = 20,
                PaymentTimeout = TimeSpan.FromSeconds(45),
                SettleTimeout = TimeSpan.FromMinutes(3),
            };
    }
}
