using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Orders.ServiceDefaults.Telemetry;

/// <summary>
/// Drops a client span that starts a trace: that is a background poll (the relay reads the outbox every few
/// milliseconds, the timeout clock polls its table), and one trace per poll would bury the order traces. Client calls
/// made while handling a request or a record have a parent and are kept.
/// </summary>
internal sealed class BackgroundPollSampler : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client
            ? new SamplingResult(SamplingDecision.Drop)
            : new SamplingResult(SamplingDecision.RecordAndSample);
}
