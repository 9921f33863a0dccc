using System.Collections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Realtime.EngineIO;

/// <summary>
/// The headers or the query of the opening request, copied into one array of (name, values) pairs. A session keeps
/// them as long as it lives (a WebSocket for hours, thousands at once), and a <see cref="HeaderDictionary"/> or a
/// <see cref="QueryCollection"/> would keep a dictionary, its buckets and its entries each: about twice the bytes.
/// A request has a few dozen names at most, so a linear search finds one as fast as hashing would. The name and value
/// strings are the request's own (no string is copied). Read-only: the copy describes a request that is over.
/// </summary>
internal sealed class HandshakeValues : IHeaderDictionary, IQueryCollection
{
    private readonly KeyValuePair<string, StringValues>[] _pairs;
    private readonly StringComparer _names;

    private HandshakeValues(KeyValuePair<string, StringValues>[] pairs, StringComparer names)
    {
        _pairs = pairs;
        _names = names;
    }

    /// <summary>Copies request headers; names compare case-insensitively, as HTTP wants.</summary>
    public static HandshakeValues CopyOf(IHeaderDictionary headers) =>
        new(headers.Where(h => h.Value.Count > 0).ToArray(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Copies a query; names compare ordinally (<c>?Room=</c> is not <c>?room=</c>), as in Node.</summary>
    public static HandshakeValues CopyOf(IQueryCollection query) => new(query.ToArray(), StringComparer.Ordinal);

    /// <summary>The values of <paramref name="key"/>, empty when absent (as HeaderDictionary and QueryCollection do).</summary>
    public StringValues this[string key]
    {
        get => TryGetValue(key, out var values) ? values : StringValues.Empty;
        set => throw ReadOnly();
    }

    public bool TryGetValue(string key, out StringValues value)
    {
        foreach (var pair in _pairs)
        {
            if (_names.Equals(pair.Key, key))
            {
                value = pair.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public int Count => _pairs.Length;

    public bool IsReadOnly => true;

    public ICollection<string> Keys => Array.ConvertAll(_pairs, p => p.Key);

    public ICollection<StringValues> Values => Array.ConvertAll(_pairs, p => p.Value);

    /// <summary>Content-Length parsed as HeaderDictionary parses it (null when absent or not one valid number).</summary>
    public long? ContentLength
    {
        get
        {
            var raw = this[HeaderNames.ContentLength];
            return raw.Count == 1 && !string.IsNullOrEmpty(raw[0])
                && HeaderUtilities.TryParseNonNegativeInt64(new StringSegment(raw[0]).Trim(), out var length)
                ? length
                : null;
        }
        set => throw ReadOnly();
    }

    public bool Contains(KeyValuePair<string, StringValues> item) =>
        TryGetValue(item.Key, out var values) && values == item.Value;

    public void CopyTo(KeyValuePair<string, StringValues>[] array, int arrayIndex) => _pairs.CopyTo(array, arrayIndex);

    public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() =>
        ((IEnumerable<KeyValuePair<string, StringValues>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Add(string key, StringValues value) => throw ReadOnly();

    public void Add(KeyValuePair<string, StringValues> item) => throw ReadOnly();

    public bool Remove(string key) => throw ReadOnly();

    public bool Remove(KeyValuePair<string, StringValues> item) => throw ReadOnly();

    public void Clear() => throw ReadOnly();

    private static NotSupportedException ReadOnly() =>
        new("The handshake keeps a read-only copy of the opening request's headers and query.");
}
