using System.Text.Json;
using BuyAlerts.Auth;
using Realtime.SocketIO;

namespace BuyAlerts.Realtime;

/// <summary>
/// The post's <c>io.on("connection", (sock) =&gt; { ... })</c>: logs arrivals and departures, turns a <c>BUY</c> for an
/// order just placed into a <c>BUY_GOODS</c> for everyone (the buyer included), and counts the viewers of each page.
/// </summary>
public sealed class ShopSocket(SocketIOServer io, PurchaseAlerts purchases, PageViewers viewers, IConfiguration configuration,
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<ShopSocket> logger)
{
    /// <summary>How the test phase logs a BUY's data: camelCase as the page sent it, Korean left readable.</summary>
    private static readonly JsonSerializerOptions LoggedJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void OnConnection(SocketIOSocket socket)
    {
        logger.LogInformation("새로운 소켓이 연결되었습니다.");

        // The post's "test phase": before BUY existed, every new socket got a sample alert so the page could be checked.
        var testPhase = configuration.GetValue<bool>("BuyAlerts:TestPhase");
        if (testPhase)
        {
            socket.Emit("BUY_GOODS", new BuyGoods("서버가 보내준 구매자 닉네임", 10, "서버가 보내준 구매자가 구매한 상품 이름", "서버가 보내준 구매 일시"));
        }

        // The buyer is whoever signed in: the browser sent the "authorization" cookie with the handshake request, and
        // ASP.NET Core authentication turned it into the handshake's User before Socket.IO saw the connection.
        var userId = socket.Handshake.User?.UserId();
        var sessionId = socket.Handshake.User?.SessionId();

        // A page sends BUY once per payment and CHANGED_PAGE once per load; a script could send thousands a second.
        var buyBudget = new EventBudget(burst: 10, refill: TimeSpan.FromSeconds(1), time);
        var pageBudget = new EventBudget(burst: 5, refill: TimeSpan.FromSeconds(1), time);

        // The post's BUY, now with the orderId of the order the page has just placed (POST /api/orders): the alert
        // must be a real purchase, announced once (PurchaseAlerts checks the order, the member and the rate).
        socket.On<BuyRequest?>("BUY", async (data, ack) =>
        {
            if (!buyBudget.TryTake())
            {
                ack(new { errorMessage = Api.Messages.TooManyRequests });
                return;
            }
            if (testPhase)
            {
                // The test phase's BUY: console.log("구매한 정보입니다."); console.log(data); (the data as JSON here)
                logger.LogInformation("구매한 정보입니다.");
                logger.LogInformation("{Data}", JsonSerializer.Serialize(data, LoggedJson));
            }
            // Not socket.ConnectionAborted: the alert is for everyone, and a buyer who closes the tab right after paying
            // has still bought (once the order is marked announced, stopping halfway would lose its alert).
            var outcome = await purchases.ToAlertAsync(userId, sessionId, data, lifetime.ApplicationStopping);
            if (outcome.Alert is null)
            {
                logger.LogWarning("BUY from {SocketId} refused: {Reason}", socket.Id, outcome.ErrorMessage);
                ack(new { errorMessage = outcome.ErrorMessage }); // answered only if the client asked for an answer
                return;
            }
            logger.LogInformation("구매한 정보입니다. {Nickname} {GoodsId} {GoodsName}",
                outcome.Alert.Nickname, outcome.Alert.GoodsId, outcome.Alert.GoodsName);
            io.Emit("BUY_GOODS", outcome.Alert); // to every connected socket: io.emit("BUY_GOODS", emitData)
            ack(new { ok = true });
        });

        // Optional part of the original shop: "총 N명이 이 상품을 구경하고 있습니다!" on the detail page.
        // A page's viewers are its room; PageViewers counts the room on every server (see its remarks). Each change
        // is a count for everyone on two pages: over budget, it is dropped.
        socket.On<string?>("CHANGED_PAGE", async (url, _) =>
        {
            if (PageViewers.IsPage(url) && pageBudget.TryTake())
            {
                await viewers.MoveAsync(socket, url!);
            }
        });

        // "disconnecting" still sees the socket's rooms; by "disconnect" it has left them and can be counted out.
        string[] pagesLeft = [];
        socket.On<string>("disconnecting", _ => pagesLeft = PageViewers.PageRooms(socket.Rooms));
        socket.On<string>("disconnect", reason =>
        {
            _ = viewers.LeftAsync(pagesLeft);
            logger.LogInformation("{SocketId} 에 해당하는 유저가 연결을 종료하였습니다.", socket.Id);
        });
    }
}
