using System.Globalization;
using BuyAlerts.Data;
using Microsoft.EntityFrameworkCore;

namespace BuyAlerts.Realtime;

/// <summary>
/// What the page sends with <c>BUY</c> (the post's payload). Only <see cref="GoodsId"/> and <see cref="GoodsIds"/> are
/// used: the nickname comes from the signed-in connection and the names from the database.
/// </summary>
public sealed record BuyRequest(string? Nickname, int? GoodsId, string? GoodsName, int[]? GoodsIds);

/// <summary>What everyone receives with <c>BUY_GOODS</c>: the post's shape, <c>date</c> as ISO-8601 UTC like JS <c>toISOString()</c>.</summary>
public sealed record BuyGoods(string Nickname, int GoodsId, string GoodsName, string Date);

/// <summary>
/// Turns a <c>BUY</c> into the <c>BUY_GOODS</c> alert. The post copied nickname and goods name from the payload, so
/// any page could announce "관리자님이 방금 공짜 상품을 구매했어요!"; here the buyer is whoever the connection's JWT
/// says, and the goods are looked up by id.
/// </summary>
public sealed class PurchaseAlerts(IServiceScopeFactory scopes, TimeProvider time)
{
    public const int MaxGoodsPerOrder = 50;

    public sealed record Outcome(BuyGoods? Alert, string? ErrorMessage);

    public async Task<Outcome> ToAlertAsync(int? userId, BuyRequest? request, CancellationToken cancellationToken)
    {
        if (userId is null)
        {
            return new(null, Api.Messages.SignInRequired);
        }
        // One goods (the post's payload) or several (goodsIds: an order from the cart); the first one names the order.
        int[] goodsIds = request?.GoodsIds is { Length: > 0 } ids ? ids : request?.GoodsId is { } id ? [id] : [];
        if (goodsIds.Length is 0 or > MaxGoodsPerOrder)
        {
            return new(null, Api.Messages.GoodsNotFound);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDb>();
        var buyer = await db.Users.AsNoTracking().Where(u => u.UserId == userId).Select(u => u.Nickname).SingleOrDefaultAsync(cancellationToken);
        if (buyer is null)
        {
            return new(null, Api.Messages.SignInRequired);
        }
        var distinct = goodsIds.Distinct().ToArray();
        var names = await db.Goods.AsNoTracking().Where(g => distinct.Contains(g.GoodsId))
            .ToDictionaryAsync(g => g.GoodsId, g => g.Name, cancellationToken);
        if (names.Count != distinct.Length)
        {
            return new(null, Api.Messages.GoodsNotFound);
        }

        var goodsName = distinct.Length == 1 ? names[goodsIds[0]] : $"{names[goodsIds[0]]} 외 {distinct.Length - 1}개의 상품";
        var date = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return new(new BuyGoods(buyer, goodsIds[0], goodsName, date), null);
    }
}
