using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Orders.Processor.Tests.Kafka;

/// <summary>Sums the counters one host's meter factory reports, so parallel hosts do not mix.</summary>
public sealed class MeterTotals : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, long> totals = new();

    public MeterTotals(IMeterFactory scope)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Orders.Processor" && instrument.Meter.Scope == scope)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        listener.Start();
    }

    public long this[string instrument] => totals.GetValueOrDefault(instrument);

    public void Dispose() => listener.Dispose();
}
