using Orders.Processor.Fulfilment;

var builder = Host.CreateApplicationBuilder(args);

// The fulfilment saga behind IMediator: its database (and start-up migration), Quartz timeouts and Orders API client.
builder.AddFulfilment();

builder.Build().Run();
