using System.Globalization;

namespace Orders.Processor.Tests;

/// <summary>
/// The settings every processor test host starts from: the saga with short deadlines, a fast timeout clock and a fake
/// Orders API address; the Kafka bridge with short timings for the stand-in.
/// </summary>
internal static class ProcessorTestSettings
{
    /// <summary>The saga's settings on the database <paramref name="connectionString"/> (its superuser) names, logged in as the processor.</summary>
    public static Dictionary<string, string?> Fulfilment(
        string connectionString, TimeSpan? paymentTimeout = null, TimeSpan? shipmentTimeout = null)
    {
        var logins = Orders.SystemHost.OrdersDatabase.Of(connectionString);
        return new Dictionary<string, string?>
        {
            ["ConnectionStrings:Orders"] = logins.Processor,
            ["ConnectionStrings:OrdersMigrations"] = logins.Owner,
            ["Database:MigrateOnStartup"] = "true",
            ["Fulfilment:PaymentTimeout"] = (paymentTimeout ?? TimeSpan.FromHours(1)).ToString(),
            ["Fulfilment:ShipmentTimeout"] = (shipmentTimeout ?? TimeSpan.FromHours(1)).ToString(),
            ["OrdersApi:BaseAddress"] = "http://orders-api.test/",
            ["OrdersApi:Token:DevelopmentSigningKey"] = Orders.SystemHost.DevelopmentTokens.CreateRandom().SigningKey,
            ["Scheduling:IdleWaitTime"] = "00:00:01",
            ["Scheduling:ClusterCheckinInterval"] = "00:00:01",
            ["Scheduling:PollInterval"] = "00:00:00.100",
            ["Scheduling:RetryInterval"] = "00:00:00.500",
        };
    }

    public static Dictionary<string, string?> Kafka(string bootstrapServers, string topic, string groupId, string deadLetterTopic)
    {
        return new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Kafka:Topic"] = topic,
            ["Kafka:GroupId"] = groupId,
            ["Kafka:DeadLetterTopic"] = deadLetterTopic,
            // The mock cluster makes a rejoining member wait about a session timeout, so keep it short.
            ["Kafka:SessionTimeout"] = "00:00:06",
            ["Kafka:CommitInterval"] = "00:00:00.100",
            ["Kafka:RetryInitialDelay"] = "00:00:00.100",
            ["Kafka:RetryMaxDelay"] = "00:00:00.400",
            ["Kafka:PartitionBufferSize"] = 50.ToString(CultureInfo.InvariantCulture),
        };
    }
}
