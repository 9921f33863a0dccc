using System.Collections;
using System.Text.Json;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO;

/// <summary>
/// The arguments of one event as received, for handlers that want them raw: <c>socket.On("x", (SocketIOArgs args) =&gt; ...)</c>.
/// Each argument is a <see cref="JsonElement"/>; <see cref="Get{T}"/> reads one as a .NET type (binary attachments
/// as <c>byte[]</c>), <see cref="ToArray"/> gives them back ready to emit again (attachments included).
/// </summary>
public sealed class SocketIOArgs : IReadOnlyList<JsonElement>
{
    private static readonly ReadOnlyMemory<byte>[] NoAttachments = [];
    private readonly JsonElement _array;
    private readonly int _offset;
    private readonly JsonSerializerOptions _options;

    internal SocketIOArgs(string eventName, JsonElement array, int offset, IReadOnlyList<ReadOnlyMemory<byte>>? attachments, SocketIOAck? ack, JsonSerializerOptions options)
    {
        Event = eventName;
        _array = array;
        _offset = offset;
        Attachments = attachments ?? NoAttachments;
        Ack = ack;
        _options = options;
        Count = array.ValueKind == JsonValueKind.Array ? Math.Max(0, array.GetArrayLength() - offset) : 0;
    }

    /// <summary>
    /// Arguments read from a JSON array: <paramref name="array"/>'s items from <paramref name="offset"/> on (1 skips an
    /// event name in front). Multi-server adapters use it for events from other servers.
    /// </summary>
    public static SocketIOArgs FromJson(string eventName, JsonElement array, int offset, SocketIOAck? ack = null, JsonSerializerOptions? options = null) =>
        new(eventName, array, offset, null, ack, options ?? SocketIOJson.Options);

    /// <summary>The same arguments under another event name (a packet middleware renamed the event).</summary>
    internal SocketIOArgs WithEvent(string eventName) => new(eventName, _array, _offset, Attachments, Ack, _options) { Error = Error };

    /// <summary>The event name (an ack's arguments have none: "").</summary>
    public string Event { get; }

    /// <summary>The number of arguments (the event name not counted).</summary>
    public int Count { get; }

    /// <summary>The argument at <paramref name="index"/> as JSON (attachments appear as their placeholders).</summary>
    public JsonElement this[int index] => (uint)index < (uint)Count ? _array[index + _offset] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The binary attachments of the packet, in placeholder order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments { get; }

    /// <summary>The acknowledgement callback if the client asked for one, else null.</summary>
    public SocketIOAck? Ack { get; }

    /// <summary>
    /// For the reserved <c>"error"</c> event a refusing packet middleware raises (<c>socket.Use</c>), the exception it
    /// threw (its message is also argument 0); null for every event a client sent.
    /// </summary>
    public Exception? Error { get; internal init; }

    /// <summary>Reads the argument at <paramref name="index"/> as <typeparamref name="T"/>; default when missing.</summary>
    public T? Get<T>(int index) => index < Count ? SocketIOArgsReader.Read<T>(this[index], Attachments, _options) : default;

    /// <summary>Reads the argument at <paramref name="index"/> as <paramref name="type"/>; null when missing.</summary>
    public object? Get(int index, Type type) => index < Count ? SocketIOArgsReader.Read(this[index], type, Attachments, _options) : null;

    /// <summary>
    /// The arguments as values to emit again: a <see cref="JsonElement"/> each, except that attachments come back as
    /// <c>byte[]</c> (alone, or inside a <see cref="System.Text.Json.Nodes.JsonNode"/> tree).
    /// <c>socket.Emit("message-back", args.ToArray())</c> echoes an event exactly, binary included.
    /// </summary>
    public object?[] ToArray()
    {
        var values = new object?[Count];
        for (var i = 0; i < Count; i++)
        {
            var element = this[i];
            if (Attachments.Count == 0 || !SocketIOPacketDecoder.HasPlaceholder(element)) values[i] = element;
            else if (SocketIOPlaceholder.TryGetIndex(element, out var num) && num < Attachments.Count) values[i] = BinaryScope.ToArray(Attachments[num]);
            else values[i] = SocketIOPacketDecoder.Reconstruct(element, Attachments);
        }
        return values;
    }

    /// <inheritdoc />
    public IEnumerator<JsonElement> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => $"{Event}({string.Join(", ", this.Select(e => e.GetRawText()))})";
}
