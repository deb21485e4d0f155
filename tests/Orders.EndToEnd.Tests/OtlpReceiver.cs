using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orders.EndToEnd.Tests;

/// <summary>
/// An OTLP/HTTP endpoint (protobuf) that the deployables export to: it keeps the spans' trace id, name and service,
/// and accepts and drops metrics and logs. Just enough protobuf reading for ExportTraceServiceRequest; no package for
/// the OTLP protos is available here.
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<ReceivedSpan> spans = new();
    private readonly Task serving;

    private OtlpReceiver(Uri address)
    {
        Address = address;
        listener.Prefixes.Add(address.ToString());
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public Uri Address { get; }

    public IReadOnlyCollection<ReceivedSpan> Spans => spans;

    public static OtlpReceiver Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new OtlpReceiver(new Uri($"http://127.0.0.1:{port}/"));
    }

    public void Dispose()
    {
        listener.Close();
        serving.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
            {
                foreach (var span in ReadTraces(body.ToArray()))
                {
                    spans.Enqueue(span);
                }
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private static IEnumerable<ReceivedSpan> ReadTraces(byte[] request)
    {
        // ExportTraceServiceRequest.resource_spans = 1 → ResourceSpans { resource = 1, scope_spans = 2 }.
        foreach (var resourceSpans in Fields(request, 1))
        {
            var service = Fields(resourceSpans, 1)
                .SelectMany(resource => Fields(resource, 1))
                .Where(attribute => Text(Fields(attribute, 1).Single()) == "service.name")
                .Select(attribute => Text(Fields(Fields(attribute, 2).Single(), 1).Single()))
                .FirstOrDefault() ?? "";
            // ScopeSpans.spans = 2 → Span { trace_id = 1, span_id = 2, parent_span_id = 4, name = 5 }.
            foreach (var span in Fields(resourceSpans, 2).SelectMany(scope => Fields(scope, 2)))
            {
                yield return new ReceivedSpan(
                    service,
                    Convert.ToHexStringLower(Fields(span, 1).Single()),
                    Text(Fields(span, 5).Single()));
            }
        }
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>The length-delimited values of field <paramref name="number"/> in one protobuf message.</summary>
    private static List<byte[]> Fields(byte[] message, int number)
    {
        var found = new List<byte[]>();
        var position = 0;
        while (position < message.Length)
        {
            var tag = Varint(message, ref position);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    Varint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref position);
                    if ((int)(tag >> 3) == number)
                    {
                        found.Add(message[position..(position + length)]);
                    }

                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unexpected protobuf wire type {wireType}.");
            }
        }

        return found;
    }

    private static ulong Varint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}

/// <summary>A span as exported by a deployable: which service, which trace, what it was.</summary>
public sealed record ReceivedSpan(string Service, string TraceId, string Name);
