using Orders.Operations;
using Orders.Operations.Reconcile;

if (args.FirstOrDefault() == ReconcileCommand.Name)
{
    return await ReconcileCommand.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
// The shared database and Kafka, read for the timelines, lists and lag, and written only by the repairs.
builder.AddOperations();
builder.AddOperationsPages();

var app = builder.Build();
app.MapOperationsPages();
await app.RunAsync();
return 0;
