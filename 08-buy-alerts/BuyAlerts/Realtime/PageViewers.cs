namespace BuyAlerts.Realtime;

/// <summary>
/// Which page each socket is looking at (<c>CHANGED_PAGE</c>), so everyone on a page can be told how many are there
/// (<c>SAME_PAGE_VIEWER_COUNT</c>: "총 N명이 이 상품을 구경하고 있습니다!"). Thread-safe: sockets are handled in
/// parallel, so a count is announced under the same lock that changed it, and the last announcement is always right.
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

    /// <summary>Moves a socket to <paramref name="url"/> and announces the new counts of the pages it left and entered.</summary>
    public void Move(string socketId, string url, Action<string, int> announce)
    {
        lock (_gate)
        {
            if (_pageBySocket.TryGetValue(socketId, out var old))
            {
                if (old == url)
                {
                    announce(url, _countByPage[url]);
                    return;
                }
                Decrement(old, announce);
            }
            _pageBySocket[socketId] = url;
            var count = _countByPage.GetValueOrDefault(url) + 1;
            _countByPage[url] = count;
            announce(url, count);
        }
    }

    /// <summary>Forgets a disconnected socket and announces the count left on its page.</summary>
    public void Leave(string socketId, Action<string, int> announce)
    {
        lock (_gate)
        {
            if (_pageBySocket.Remove(socketId, out var old))
            {
                Decrement(old, announce);
            }
        }
    }

    /// <summary>How many sockets are on <paramref name="url"/>.</summary>
    public int CountOn(string url)
    {
        lock (_gate)
        {
            return _countByPage.GetValueOrDefault(url);
        }
    }

    private void Decrement(string url, Action<string, int> announce)
    {
        var count = _countByPage[url] - 1;
        if (count == 0)
        {
            _countByPage.Remove(url); // nobody left to tell
            return;
        }
        _countByPage[url] = count;
        announce(url, count);
    }
}
