using System.Text.Json;

namespace Realtime.SocketIO.Protocol;

/// <summary>Reads a payload value as a .NET type, resolving attachment placeholders into <c>byte[]</c> / <c>ReadOnlyMemory&lt;byte&gt;</c>.</summary>
public static class SocketIOArgsReader
{
    /// <summary>Deserializes <paramref name="element"/> (with the packet's <paramref name="attachments"/>).</summary>
    public static T? Read<T>(JsonElement element, IReadOnlyList<ReadOnlyMemory<byte>> attachments, JsonSerializerOptions? options = null)
    {
        var previous = BinaryScope.BeginResolve(attachments);
        try
        {
            return element.Deserialize<T>(options ?? SocketIOJson.Options);
        }
        finally
        {
            BinaryScope.EndResolve(previous);
        }
    }

    /// <summary>Deserializes <paramref name="element"/> as <paramref name="type"/> (with the packet's <paramref name="attachments"/>).</summary>
    public static object? Read(JsonElement element, Type type, IReadOnlyList<ReadOnlyMemory<byte>> attachments, JsonSerializerOptions? options = null)
    {
        var previous = BinaryScope.BeginResolve(attachments);
        try
        {
            return element.Deserialize(type, options ?? SocketIOJson.Options);
        }
        finally
        {
            BinaryScope.EndResolve(previous);
        }
    }
}
