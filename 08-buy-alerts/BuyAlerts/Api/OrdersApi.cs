using System.Security.Claims;
using BuyAlerts.Auth;
using BuyAlerts.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace BuyAlerts.Api;

/// <summary>"바로 구매": one goods and its quantity. Neither: the whole cart.</summary>
public sealed record OrderRequest(int? GoodsId, int? Quantity);

public sealed record OrderedGoods(int GoodsId, string Name, int Quantity);

public sealed record OrderView(int OrderId, IReadOnlyList<OrderedGoods> Goods);

/// <summary>
/// The checkout the post's shop did not have: <c>POST /api/orders</c> records what the member buys (and empties the
/// cart when the order is the cart). The page then sends the post's <c>BUY</c> with the new <c>orderId</c>, and only
/// an order placed that way can become an alert (Realtime/PurchaseAlerts.cs).
/// </summary>
public static class OrdersApi
{
    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder api)
    {
        api.MapPost("/orders", Place).RequireAuthorization();
        return api;
    }

    private static async Task<Results<Created<object>, BadRequest<ApiError>, NotFound<ApiError>>> Place(
        OrderRequest request, ClaimsPrincipal user, ShopDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = user.UserId()!.Value;
        var order = new Order { UserId = userId, CreatedAt = time.GetUtcNow().UtcDateTime };
        List<OrderedGoods> goods;
        if (request.GoodsId is { } goodsId)
        {
            if (!Validation.IsQuantity(request.Quantity))
            {
                return ApiError.BadRequest(Messages.InvalidQuantity);
            }
            var found = await db.Goods.AsNoTracking().SingleOrDefaultAsync(g => g.GoodsId == goodsId, cancellationToken);
            if (found is null)
            {
                return ApiError.NotFound(Messages.GoodsNotFound);
            }
            goods = [new(found.GoodsId, found.Name, request.Quantity!.Value)];
        }
        else
        {
            var cart = await db.Cart.Where(c => c.UserId == userId).OrderBy(c => c.GoodsId).Include(c => c.Goods).ToListAsync(cancellationToken);
            if (cart.Count == 0)
            {
                return ApiError.BadRequest(Messages.NothingToOrder);
            }
            goods = [.. cart.Select(c => new OrderedGoods(c.GoodsId, c.Goods.Name, c.Quantity))];
            db.Cart.RemoveRange(cart); // the same SaveChanges, so the same transaction as the order
        }
        order.Lines = [.. goods.Select((g, i) => new OrderLine { Position = i, GoodsId = g.GoodsId, Quantity = g.Quantity })];
        db.Orders.Add(order);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/orders/{order.OrderId}", (object)new { order = new OrderView(order.OrderId, goods) });
    }
}
