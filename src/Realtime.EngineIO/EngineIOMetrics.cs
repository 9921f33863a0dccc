using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Realtime.EngineIO;

/// <summary>
/// The <c>Realtime.EngineIO</c> meter: the transport layer's instruments, named in the style of OpenTelemetry's
/// semantic conventions for SignalR (<c>signalr.server.active_connections</c>...). One per server: from the app's
/// <see cref="IMeterFactory"/> when the server comes from DI, else a meter of its own (disposed with the server).
/// </summary>
/// <remarks>
/// Cost when nobody listens: every call checks the instrument's <c>Enabled</c> first and builds its attributes as a
/// <see cref="KeyValuePair{TKey,TValue}"/> on the stack, so an unobserved instrument costs a field read and a branch.
/// Cardinality: every attribute value is one of a fixed set (two transports, Node's close reasons, the error kinds
/// below), never a client-chosen string.
/// </remarks>
internal sealed class EngineIOMetrics : IDisposable
{
    /// <summary>The meter's name, for <c>dotnet-counters monitor --counters Realtime.EngineIO</c>.</summary>
    public const string MeterName = "Realtime.EngineIO";

    // The error kinds (attribute error.type): the handshake/request refusals use Node's messages' short forms.
    internal const string PayloadTooLarge = "payload_too_large", ParseError = "parse_error", TransportError = "transport_error";
    internal static readonly string[] RequestErrorKinds =
        ["unknown_transport", "unknown_sid", "bad_handshake_method", "bad_request", "forbidden", "unsupported_protocol_version"];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly UpDownCounter<long> _activeConnections;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _closes;
    private readonly Counter<long> _upgrades;
    private readonly Counter<long> _packetsReceived, _packetsSent, _bytesReceived, _bytesSent;
    private readonly Counter<long> _errors;

    public EngineIOMetrics(IMeterFactory? factory)
    {
        _ownsMeter = factory is null;
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _activeConnections = _meter.CreateUpDownCounter<long>("engineio.server.active_connections", "{connection}",
            "Open Engine.IO sessions, by current transport (an upgrade moves one from polling to websocket).");
        _duration = _meter.CreateHistogram<double>("engineio.server.connection.duration", "s",
            "How long Engine.IO sessions lasted, by close reason.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.1, 1, 5, 30, 60, 300, 1800, 3600, 86400] });
        _closes = _meter.CreateCounter<long>("engineio.server.closes", "{connection}", "Closed Engine.IO sessions, by close reason.");
        _upgrades = _meter.CreateCounter<long>("engineio.server.upgrades", "{upgrade}", "Sessions upgraded from polling to websocket.");
        _packetsReceived = _meter.CreateCounter<long>("engineio.server.packets.received", "{packet}", "Engine.IO packets received from clients.");
        _packetsSent = _meter.CreateCounter<long>("engineio.server.packets.sent", "{packet}", "Engine.IO packets handed to a transport for clients.");
        _bytesReceived = _meter.CreateCounter<long>("engineio.server.bytes.received", "By", "Bytes received: polling POST bodies and WebSocket messages.");
        _bytesSent = _meter.CreateCounter<long>("engineio.server.bytes.sent", "By", "Bytes sent: polling GET answers and WebSocket messages.");
        _errors = _meter.CreateCounter<long>("engineio.server.errors", "{error}", "Refused requests and session errors, by kind (error.type).");
    }

    private static KeyValuePair<string, object?> Transport(string name) => new("engineio.transport", name);

    private static KeyValuePair<string, object?> Reason(EngineCloseReason reason) => new("engineio.close.reason", reason.ToNodeString());

    public void Opened(string transport)
    {
        if (_activeConnections.Enabled) _activeConnections.Add(1, Transport(transport));
    }

    public void Upgraded()
    {
        if (_activeConnections.Enabled)
        {
            _activeConnections.Add(-1, Transport("polling"));
            _activeConnections.Add(1, Transport("websocket"));
        }
        if (_upgrades.Enabled) _upgrades.Add(1);
    }

    /// <summary>A session ended: <paramref name="openedAt"/> is a <see cref="Stopwatch"/> timestamp.</summary>
    public void Closed(string transport, EngineCloseReason reason, long openedAt)
    {
        if (_activeConnections.Enabled) _activeConnections.Add(-1, Transport(transport));
        if (_closes.Enabled) _closes.Add(1, Reason(reason));
        if (_duration.Enabled) _duration.Record(Stopwatch.GetElapsedTime(openedAt).TotalSeconds, Reason(reason));
    }

    public void PacketReceived()
    {
        if (_packetsReceived.Enabled) _packetsReceived.Add(1);
    }

    public void PacketsSent(int count)
    {
        if (_packetsSent.Enabled) _packetsSent.Add(count);
    }

    public void BytesReceived(long count)
    {
        if (_bytesReceived.Enabled) _bytesReceived.Add(count);
    }

    public void BytesSent(long count)
    {
        if (_bytesSent.Enabled) _bytesSent.Add(count);
    }

    public void Error(string kind)
    {
        if (_errors.Enabled) _errors.Add(1, new KeyValuePair<string, object?>("error.type", kind));
    }

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
