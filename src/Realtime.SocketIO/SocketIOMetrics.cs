using System.Diagnostics.Metrics;

namespace Realtime.SocketIO;

/// <summary>
/// The <c>Realtime.SocketIO</c> meter: namespaces, sockets, rooms, packets, acks, disconnects and errors, named in the
/// style of OpenTelemetry's semantic conventions for SignalR. One per server: from the app's
/// <see cref="IMeterFactory"/> when the server comes from DI, else a meter of its own (disposed with the server).
/// </summary>
/// <remarks>
/// Hot path: counters check <c>Enabled</c> first and pass their attribute as a stack <see cref="KeyValuePair{TKey,TValue}"/>;
/// the sizes (namespaces, sockets, rooms, pending acks) are observable gauges, computed only when a listener collects.
/// Cardinality: <c>socketio.namespace</c> names a namespace the application created; the children of a dynamic
/// namespace (whose names clients choose) are counted under their parent's name. Reasons and error kinds are fixed sets.
/// </remarks>
internal sealed class SocketIOMetrics : IDisposable
{
    /// <summary>The meter's name, for <c>dotnet-counters monitor --counters Realtime.SocketIO</c>.</summary>
    public const string MeterName = "Realtime.SocketIO";

    // The error kinds (attribute error.type).
    internal const string ParseError = "parse_error", AttachmentsTooLarge = "attachments_too_large",
        AttachmentTimeout = "attachment_timeout", ProtocolViolation = "protocol_violation", InvalidNamespace = "invalid_namespace",
        ConnectionRefused = "connection_refused", ConnectTimeout = "connect_timeout", HandlerFailed = "handler_failed";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _packetsReceived, _packetsSent, _packetsEncoded, _eventsReceived;
    private readonly Counter<long> _ackTimeouts, _disconnects, _errors;

    public SocketIOMetrics(SocketIOServer server, IMeterFactory? factory)
    {
        _ownsMeter = factory is null;
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableGauge("socketio.server.namespaces", () => server.Namespaces.Count, "{namespace}",
            "Namespaces that exist (created by the app, or children of a dynamic namespace).");
        _meter.CreateObservableGauge("socketio.server.connected_sockets", () => PerNamespace(server, static nsp => nsp.Sockets.Count), "{socket}",
            "Sockets connected, by namespace (socketio.namespace).");
        _meter.CreateObservableGauge("socketio.server.rooms", () => PerNamespace(server, RoomCount), "{room}",
            "Rooms with at least one socket of this server, by namespace; a socket's own room (its id) is not counted.");
        _meter.CreateObservableGauge("socketio.server.acks.pending", () => PendingAcks(server), "{ack}",
            "Emits from this server still waiting for the client's acknowledgement.");
        _packetsReceived = _meter.CreateCounter<long>("socketio.server.packets.received", "{packet}", "Socket.IO packets decoded from clients (attachments included in their packet).");
        _packetsSent = _meter.CreateCounter<long>("socketio.server.packets.sent", "{packet}", "Socket.IO packets written to clients; a broadcast counts once per receiver.");
        _packetsEncoded = _meter.CreateCounter<long>("socketio.server.packets.encoded", "{packet}", "Broadcast packets encoded: once per broadcast, whatever the audience.");
        _eventsReceived = _meter.CreateCounter<long>("socketio.server.events.received", "{event}", "Events received from clients (EVENT and BINARY_EVENT packets).");
        _ackTimeouts = _meter.CreateCounter<long>("socketio.server.ack.timeouts", "{ack}", "Emits with a timeout whose acknowledgement did not come in time (per socket, and per broadcast).");
        _disconnects = _meter.CreateCounter<long>("socketio.server.disconnects", "{socket}", "Sockets that left their namespace, by reason (socketio.disconnect.reason).");
        _errors = _meter.CreateCounter<long>("socketio.server.errors", "{error}", "Client errors and refusals, by kind (error.type).");
    }

    /// <summary>One measurement per application namespace; a dynamic namespace's children add to their parent's.</summary>
    private static IEnumerable<Measurement<int>> PerNamespace(SocketIOServer server, Func<SocketIONamespace, int> measure)
    {
        var totals = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var nsp in server.Namespaces)
        {
            var name = nsp.Parent?.Name ?? nsp.Name;
            totals[name] = totals.GetValueOrDefault(name) + measure(nsp);
        }
        foreach (var (name, total) in totals) yield return new Measurement<int>(total, new KeyValuePair<string, object?>("socketio.namespace", name));
    }

    private static int RoomCount(SocketIONamespace nsp) =>
        nsp.Adapter is InMemorySocketIOAdapter adapter ? adapter.Rooms.Count(room => !nsp.Sockets.ContainsKey(room)) : 0;

    private static int PendingAcks(SocketIOServer server)
    {
        var total = 0;
        foreach (var nsp in server.Namespaces)
            foreach (var socket in nsp.Sockets.Values) total += socket.PendingAckCount;
        return total;
    }

    public void PacketReceived(bool isEvent)
    {
        if (_packetsReceived.Enabled) _packetsReceived.Add(1);
        if (isEvent && _eventsReceived.Enabled) _eventsReceived.Add(1);
    }

    public void PacketSent()
    {
        if (_packetsSent.Enabled) _packetsSent.Add(1);
    }

    public void PacketEncoded()
    {
        if (_packetsEncoded.Enabled) _packetsEncoded.Add(1);
    }

    public void AckTimedOut()
    {
        if (_ackTimeouts.Enabled) _ackTimeouts.Add(1);
    }

    public void Disconnected(string reason)
    {
        if (_disconnects.Enabled) _disconnects.Add(1, new KeyValuePair<string, object?>("socketio.disconnect.reason", reason));
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
