using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Realtime.EngineIO;
using Realtime.SocketIO;

namespace Realtime.Benchmarks;

/// <summary>
/// What the metrics cost on the hot path: the instrument calls the server makes for one echo round trip over
/// WebSocket (Engine.IO: a packet and its bytes in, a packet and its bytes out; Socket.IO: a packet and an event in,
/// a packet out), with nobody listening and with a listener that takes every measurement (as dotnet-counters or
/// OpenTelemetry would subscribe). Compare with the server CPU of one echo round trip in ../README.md.
/// </summary>
public class MetricsBenchmarks
{
    private EngineIOMetrics _engine = null!;
    private SocketIOServer _server = null!;
    private MeterListener? _listener;
    private long _seen;

    /// <summary>False: no listener (instruments disabled); true: a MeterListener enabled on both meters.</summary>
    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = new EngineIOMetrics(null);
        _server = new SocketIOServer(new SocketIOServerOptions());
        if (!Listening) return;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name is EngineIOMetrics.MeterName or SocketIOMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => _seen += value);
        _listener.SetMeasurementEventCallback<int>((_, value, _, _) => _seen += value);
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => _seen++);
        _listener.Start();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _listener?.Dispose();
        _engine.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark(Description = "instruments of one echo round trip")]
    public void EchoRoundTrip()
    {
        _engine.PacketReceived();
        _engine.BytesReceived(48);
        _server.Metrics.PacketReceived(isEvent: true);
        _server.Metrics.PacketSent();
        _engine.PacketsSent(1);
        _engine.BytesSent(44);
    }

    [Benchmark(Description = "a session's open and close (transport and reason attributes)")]
    public void OpenAndClose()
    {
        _engine.Opened("websocket");
        _engine.Closed("websocket", EngineCloseReason.TransportClose, System.Diagnostics.Stopwatch.GetTimestamp());
    }
}
