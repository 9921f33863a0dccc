using Realtime.SocketIO;

namespace BuyAlerts.Realtime;

/// <summary>
/// Which page each socket is looking at (<c>CHANGED_PAGE</c>), so everyone on a page can be told how many are there
/// (<c>SAME_PAGE_VIEWER_COUNT</c>: "총 N명이 이 상품을 구경하고 있습니다!").
/// </summary>
/// <remarks>
/// The viewers of a page are the sockets in its room (<c>page:/detail.html?goodsId=1</c>), and the count is asked of
/// the rooms themselves: <c>io.In(room).FetchSocketsAsync()</c>. On one server that reads its own rooms; with the
/// Redis adapter it asks every server of the cluster, so a viewer on the other instance is counted too (a count kept
/// in a dictionary of this process would only know its own half). On one server the changes are made and announced
/// one at a time, so the last announcement is always right. Across servers two changes at the same instant can be
/// announced in either order, and a page may show a count one off until the next change.
/// </remarks>
public sealed class PageViewers(SocketIOServer io, ILogger<PageViewers> logger)
{
    public const int MaxUrlLength = 200;
    private const string RoomPrefix = "page:";

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The room of a page's viewers.</summary>
    public static string Room(string url) => RoomPrefix + url;

    /// <summary>The page rooms among <paramref name="rooms"/> (a socket's rooms also hold its own id).</summary>
    public static string[] PageRooms(IEnumerable<string> rooms) => [.. rooms.Where(r => r.StartsWith(RoomPrefix, StringComparison.Ordinal))];

    /// <summary>A page address as the pages send it (<c>/detail.html?goodsId=1</c>); anything else is ignored.</summary>
    public static bool IsPage(string? url) =>
        url is { Length: > 0 and <= MaxUrlLength } && url[0] == '/' && !url.Any(char.IsControl);

    /// <summary>Moves a socket into the room of <paramref name="url"/> and announces the counts of the pages it left and entered.</summary>
    public async Task MoveAsync(SocketIOSocket socket, string url)
    {
        var room = Room(url);
        try
        {
            await _gate.WaitAsync(socket.ConnectionAborted);   // a move is this client's work: not once it has gone
        }
        catch (OperationCanceledException)
        {
            return;   // it disconnected while waiting: its disconnect announces the counts of the pages it was on
        }
        try
        {
            var left = PageRooms(socket.Rooms).Where(r => r != room).ToArray();
            foreach (var old in left)
            {
                socket.Leave(old);
            }
            socket.Join(room);
            foreach (var old in left)
            {
                await AnnounceAsync(old);
            }
            await AnnounceAsync(room);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>After a socket has gone (and left its rooms): announces the counts left on <paramref name="rooms"/>.</summary>
    public async Task LeftAsync(IReadOnlyList<string> rooms)
    {
        await _gate.WaitAsync();
        try
        {
            foreach (var room in rooms)
            {
                await AnnounceAsync(room);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>How many sockets are on <paramref name="url"/>, on every server.</summary>
    public async Task<int> CountOnAsync(string url) => (await io.In(Room(url)).FetchSocketsAsync()).Count;

    private async Task AnnounceAsync(string room)
    {
        try
        {
            var count = (await io.In(room).FetchSocketsAsync()).Count;
            if (count > 0) // nobody left to tell otherwise
            {
                io.To(room).Emit("SAME_PAGE_VIEWER_COUNT", count);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A count is a nicety: a failed one (the cluster unreachable, the app stopping) must not break the socket.
            logger.LogWarning(e, "Counting the viewers of {Room} failed", room);
        }
    }
}
