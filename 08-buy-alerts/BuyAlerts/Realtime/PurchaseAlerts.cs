using System.Globalization;
using BuyAlerts.Api;
using BuyAlerts.Data;
using Microsoft.EntityFrameworkCore;

namespace BuyAlerts.Realtime;

/// <summary>
/// What the page sends with <c>BUY</c>: the post's payload plus <see cref="OrderId"/>, the order the page has just
/// placed (<c>POST /api/orders</c>). Only <see cref="OrderId"/> is used: the buyer comes from the signed-in connection
/// and the goods from the order.
/// </summary>
public sealed record BuyRequest(string? Nickname, int? GoodsId, string? GoodsName, int? OrderId);

/// <summary>What everyone receives with <c>BUY_GOODS</c>: the post's shape, <c>date</c> as ISO-8601 UTC like JS <c>toISOString()</c>.</summary>
public sealed record BuyGoods(string Nickname, int GoodsId, string GoodsName, string Date);

/// <summary>
/// Turns a <c>BUY</c> into the <c>BUY_GOODS</c> alert. The post copied nickname and goods name from the payload, and
/// announced whatever a page sent, as often as it sent it. Here an alert is an order's: placed by this member, in the
/// last <see cref="AnnounceWithin"/>, announced once, and at most <see cref="MaxAlertsPerMinute"/> a minute per member.
/// </summary>
/// <remarks>
/// The checks and the mark "announced" are one <c>UPDATE</c> on the database every instance shares: two BUYs for one
/// order (or a fourth alert in a minute) sent at once to two instances cannot both pass.
/// </remarks>
public sealed class PurchaseAlerts(IServiceScopeFactory scopes, TimeProvider time)
{
    public const int MaxAlertsPerMinute = 3;
    public static readonly TimeSpan AnnounceWithin = TimeSpan.FromMinutes(5);

    public sealed record Outcome(BuyGoods? Alert, string? ErrorMessage);

    /// <param name="userId">The connection's member (from the handshake's token), or null for a guest.</param>
    /// <param name="sessionId">The session of that token: after sign-out an open socket cannot announce anymore.</param>
    public async Task<Outcome> ToAlertAsync(int? userId, string? sessionId, BuyRequest? request, CancellationToken cancellationToken)
    {
        if (userId is null || sessionId is null)
        {
            return new(null, Messages.SignInRequired);
        }
        if (request?.OrderId is not { } orderId)
        {
            return new(null, Messages.OrderNotFound);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
        var now = time.GetUtcNow().UtcDateTime;
        var placedSince = now - AnnounceWithin;
        var minuteAgo = now.AddMinutes(-1);
        var announced = await db.Orders
            .Where(o => o.OrderId == orderId && o.UserId == userId && o.AnnouncedAt == null && o.CreatedAt >= placedSince
                && db.Sessions.Any(s => s.SessionId == sessionId && s.UserId == userId && s.ExpiresAt > now)
                && db.Orders.Count(x => x.UserId == userId && x.AnnouncedAt >= minuteAgo) < MaxAlertsPerMinute)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.AnnouncedAt, now), cancellationToken);
        if (announced == 0)
        {
            return new(null, await WhyNotAsync(db, userId.Value, sessionId, orderId, now, placedSince, cancellationToken));
        }

        var buyer = await db.Users.AsNoTracking().Where(u => u.UserId == userId).Select(u => u.Nickname).SingleAsync(cancellationToken);
        var lines = await db.Set<OrderLine>().AsNoTracking().Where(l => l.OrderId == orderId).OrderBy(l => l.Position)
            .Select(l => new { l.GoodsId, l.Goods.Name }).ToListAsync(cancellationToken);
        var goodsName = lines.Count == 1 ? lines[0].Name : $"{lines[0].Name} 외 {lines.Count - 1}개의 상품";
        var date = now.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return new(new BuyGoods(buyer, lines[0].GoodsId, goodsName, date), null);
    }

    private static async Task<string> WhyNotAsync(ShopDb db, int userId, string sessionId, int orderId, DateTime now, DateTime placedSince,
        CancellationToken cancellationToken)
    {
        if (!await db.Sessions.AnyAsync(s => s.SessionId == sessionId && s.UserId == userId && s.ExpiresAt > now, cancellationToken))
        {
            return Messages.SignInRequired; // signed out since the socket connected
        }
        var order = await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.OrderId == orderId && o.UserId == userId, cancellationToken);
        return order switch
        {
            null => Messages.OrderNotFound,                       // no such order, or someone else's
            { AnnouncedAt: not null } => Messages.OrderAlreadyAnnounced,
            _ when order.CreatedAt < placedSince => Messages.OrderNotFound, // not "just placed"
            _ => Messages.TooManyAlerts,
        };
    }
}
