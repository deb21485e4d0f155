using Orders.Relay.Outbox;
using Orders.Relay.Publishing;

var builder = Host.CreateApplicationBuilder(args);
// Where the rows come from, and where the relay keeps its position.
builder.AddOutboxDatabase();
// Where they go: records placed and ordered as Kafka Connect's producer would.
builder.AddKafkaProducer();
builder.AddOutboxRelay();
builder.Build().Run();
