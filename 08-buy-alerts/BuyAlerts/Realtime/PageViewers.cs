namespace BuyAlerts.Realtime;

/// <summary>
/// Which page each socket is looking at (<c>CHANGED_PAGE</c>), so everyone on a page can be told how many are there
/// (<c>SAME_PAGE_VIEWER_COUNT</c>: "총 N명이 이 상품을 구경하고 있습니다!"). Thread-safe.
/// </summary>
public sealed class PageViewers
{
    public const int MaxUrlLength = 200;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _pageBySocket = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _countByPage = new(StringComparer.Ordinal);

    /// <summary>The room of a page's viewers.</summary>
    public static string Room(string url) => "page:" + url;

    /// <summary>A page address as the pages send it (<c>/detail.html?goodsId=1</c>); anything else is ignored.</summary>
    public static bool IsPage(string? url) =>
        url is { Length: > 0 and <= MaxUrlLength } && url[0] == '/' && !url.Any(char.IsControl);

    /// <summary>Moves a socket to <paramref name="url"/>; returns the pages whose counts changed, with their new counts.</summary>
    public IReadOnlyList<(string Url, int Count)> Move(string socketId, string url)
    {
        lock (_gate)
        {
            var changed = new List<(string, int)>(2);
            if (_pageBySocket.TryGetValue(socketId, out var old))
            {
                if (old == url)
                {
                    return [(url, _countByPage[url])];
                }
                changed.Add((old, Decrement(old)));
            }
            _pageBySocket[socketId] = url;
            var count = _countByPage.GetValueOrDefault(url) + 1;
            _countByPage[url] = count;
            changed.Add((url, count));
            return changed;
        }
    }

    /// <summary>Forgets a socket (disconnected); returns its old page and the count left there, if it had one.</summary>
    public (string Url, int Count)? Leave(string socketId)
    {
        lock (_gate)
        {
            return _pageBySocket.Remove(socketId, out var old) ? (old, Decrement(old)) : null;
        }
    }

    private int Decrement(string url)
    {
        var count = _countByPage[url] - 1;
        if (count == 0)
        {
            _countByPage.Remove(url);
        }
        else
        {
            _countByPage[url] = count;
        }
        return count;
    }
}
