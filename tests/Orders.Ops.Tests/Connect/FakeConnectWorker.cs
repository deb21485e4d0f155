using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Orders.Ops.Tests.Connect;

/// <summary>
/// A stand-in for the Kafka Connect REST API as register-connector.sh uses it: PUT /connectors/{name}/config answers
/// the scripted replies in turn, GET /connectors/{name}/status walks through the scripted statuses (the last one
/// repeats). It records every request.
/// </summary>
internal sealed class FakeConnectWorker : IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly List<RecordedRequest> requests = [];
    private readonly Queue<Reply> putReplies;
    private readonly Queue<Reply> statusReplies;
    private StubServer? server;

    private FakeConnectWorker(IEnumerable<Reply> putReplies, IEnumerable<Reply> statusReplies)
    {
        this.putReplies = new Queue<Reply>(putReplies);
        this.statusReplies = new Queue<Reply>(statusReplies);
    }

    public string Url => (server ?? throw new InvalidOperationException("Not started.")).Address.ToString().TrimEnd('/');

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    public static async Task<FakeConnectWorker> StartAsync(IEnumerable<Reply> putReplies, IEnumerable<Reply> statusReplies)
    {
        var worker = new FakeConnectWorker(putReplies, statusReplies);
        worker.server = await StubServer.StartAsync(app =>
        {
            app.MapPut("/connectors/{name}/config", (HttpRequest request) => worker.AnswerAsync(request, worker.putReplies));
            app.MapGet("/connectors/{name}/status", (HttpRequest request) => worker.AnswerAsync(request, worker.statusReplies));
        });
        return worker;
    }

    /// <summary>A status body as Connect writes it, e.g. <c>Status("RUNNING", "RUNNING")</c>.</summary>
    public static Reply Status(string connectorState, params string[] taskStates) =>
        new(200, StatusJson(connectorState, taskStates.Select(state => (state, (string?)null))));

    public static string StatusJson(string connectorState, IEnumerable<(string State, string? Trace)> tasks)
    {
        var taskJson = tasks.Select((task, id) =>
            $$"""{"id":{{id}},"state":"{{task.State}}","worker_id":"connect:8083"{{(task.Trace is null ? "" : $",\"trace\":{System.Text.Json.JsonSerializer.Serialize(task.Trace)}")}}}""");
        return $$"""{"name":"orders-outbox-source","connector":{"state":"{{connectorState}}","worker_id":"connect:8083"},"tasks":[{{string.Join(',', taskJson)}}],"type":"source"}""";
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    private async Task<IResult> AnswerAsync(HttpRequest request, Queue<Reply> replies)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        Reply reply;
        lock (gate)
        {
            requests.Add(new RecordedRequest(request.Method, request.Path.ToString(), request.ContentType, body));
            reply = replies.Count > 1 ? replies.Dequeue() : replies.Peek();
        }

        return Results.Text(reply.Body, "application/json", statusCode: reply.StatusCode);
    }

    public sealed record Reply(int StatusCode, string Body);

    public sealed record RecordedRequest(string Method, string Path, string? ContentType, string Body);
}
