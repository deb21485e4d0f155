using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orders.Processor.Kafka;
using Xunit;

namespace Orders.Processor.Tests.Kafka;

/// <summary>The consumer connects to a secured cluster with nothing but configuration.</summary>
public sealed class KafkaClientConfigsTests
{
    [Fact]
    public void Consumer_settings_from_configuration_reach_librdkafka_and_auto_commit_cannot_be_turned_on()
    {
        var builder = Host.CreateApplicationBuilder(
            new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "broker-1:9093",
            ["Kafka:Consumer:security.protocol"] = "SASL_SSL",
            ["Kafka:Consumer:sasl.mechanism"] = "SCRAM-SHA-512",
            ["Kafka:Consumer:sasl.username"] = "orders-processor",
            ["Kafka:Producer:security.protocol"] = "SASL_SSL",
        });
        builder.AddKafkaOrderEvents();
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptions<KafkaOptions>>().Value;

        var consumer = KafkaClientConfigs.Consumer(options);
        var producer = KafkaClientConfigs.DeadLetterProducer(options);

        Assert.Equal("SASL_SSL", consumer.Get("security.protocol"));
        Assert.Equal("SCRAM-SHA-512", consumer.Get("sasl.mechanism"));
        Assert.Equal("orders-processor", consumer.SaslUsername);
        Assert.Equal("broker-1:9093", consumer.BootstrapServers);
        Assert.False(consumer.EnableAutoCommit);
        Assert.Equal(AutoOffsetReset.Earliest, consumer.AutoOffsetReset);
        Assert.Equal("SASL_SSL", producer.Get("security.protocol"));

        var refusing = Host.CreateApplicationBuilder(
            new HostApplicationBuilderSettings { DisableDefaults = true });
        refusing.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "broker-1:9093",
            ["Kafka:Consumer:enable.auto.commit"] = "true",
        });
        refusing.AddKafkaOrderEvents();
        using var refused = refusing.Build();
        var failure = Assert.Throws<OptionsValidationException>(() => refused.Services.GetRequiredService<IOptions<KafkaOptions>>().Value);
        Assert.Contains("enable.auto.commit", failure.Message, StringComparison.Ordinal);
    }
}
