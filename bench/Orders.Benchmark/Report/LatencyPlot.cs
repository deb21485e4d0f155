using HdrHistogram;
using Orders.Benchmark.Measure;
using ScottPlot;

namespace Orders.Benchmark.Report;

/// <summary>PNG charts of a run: latency by percentile (HdrHistogram style) and lag over the steady phase.</summary>
internal static class LatencyPlot
{
    /// <summary>Percentile levels plotted, spaced evenly on the "1 / (1 - p)" scale up to 99.99%.</summary>
    private static readonly double[] Percentiles = Enumerable.Range(0, 41).Select(i => 100 * (1 - Math.Pow(10, -i / 10.0))).ToArray();

    public static void SavePercentiles(string path, string title, IEnumerable<(string Name, HistogramBase Histogram)> series)
    {
        var plot = new Plot();
        foreach (var (name, histogram) in series.Where(s => s.Histogram.TotalCount > 0))
        {
            var xs = Percentiles.Select(p => Math.Log10(100 / (100 - p))).ToArray();
            var ys = Percentiles.Select(p => histogram.GetValueAtPercentile(p) / 1000.0).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = name;
            line.MarkerSize = 0;
        }

        double[] ticks = [0, 1, 2, 3, 4];
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, ["0%", "90%", "99%", "99.9%", "99.99%"]);
        plot.Axes.SetLimitsX(0, 4);
        plot.Title(title);
        plot.XLabel("percentile");
        plot.YLabel("latency (ms)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1000, 600);
    }

    public static void SaveLag(string path, IReadOnlyList<LagSample> samples)
    {
        var plot = new Plot();
        var seconds = samples.Select(s => s.Seconds).ToArray();
        Add("relay: outbox rows not published", samples.Select(s => (double)s.RelayRows));
        Add("processor: events not committed", samples.Select(s => (double)s.ProcessorEvents));
        Add("saga: acknowledged changes not applied", samples.Select(s => (double)s.SagaOutstanding));
        plot.Title("Lag during the steady phase and after it");
        plot.XLabel("seconds");
        plot.YLabel("items behind");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1000, 600);

        void Add(string name, IEnumerable<double> values)
        {
            var line = plot.Add.Scatter(seconds, values.ToArray());
            line.LegendText = name;
            line.MarkerSize = 0;
        }
    }
}
