using OpenTelemetry.Exporter;

namespace Orders.ServiceDefaults.Telemetry;

/// <summary>
/// Where telemetry goes, section <c>Telemetry</c>. Without <see cref="OtlpEndpoint"/>, the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (and <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>) apply; with neither, nothing is pushed
/// and metrics are only scraped from <c>/metrics</c>.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>The OTLP endpoint for traces, metrics and logs, e.g. <c>http://127.0.0.1:18889</c>.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The OTLP protocol of <see cref="OtlpEndpoint"/>: <c>Grpc</c> (default) or <c>HttpProtobuf</c>.</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.Grpc;
}
