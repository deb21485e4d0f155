using Orders.Processor.Fulfilment;
using Orders.Processor.Kafka;

var builder = Host.CreateApplicationBuilder(args);

// The fulfilment saga behind IMediator: its database (and start-up migration), Quartz timeouts and Orders API client.
builder.AddFulfilment();

// The outbox topic into that mediator; an offset is committed only after the saga committed its record.
builder.AddKafkaOrderEvents();

builder.Build().Run();
