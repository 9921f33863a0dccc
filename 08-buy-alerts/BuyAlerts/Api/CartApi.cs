using System.Security.Claims;
using BuyAlerts.Auth;
using BuyAlerts.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace BuyAlerts.Api;

public sealed record QuantityRequest(int? Quantity);

public sealed record CartLine(int Quantity, Goods Goods);

/// <summary>The signed-in user's cart (every route needs a token): list, add, change the quantity, remove.</summary>
public static class CartApi
{
    public static RouteGroupBuilder MapCartApi(this RouteGroupBuilder api)
    {
        var cart = api.MapGroup("/goods").RequireAuthorization();
        cart.MapGet("/cart", List);
        cart.MapPost("/{goodsId:int}/cart", Add);
        cart.MapPut("/{goodsId:int}/cart", SetQuantity);
        cart.MapDelete("/{goodsId:int}/cart", Remove);
        return api;
    }

    /// <summary><c>GET /api/goods/cart</c> → <c>{ cart: [{ quantity, goods }] }</c>.</summary>
    private static async Task<Ok<object>> List(ClaimsPrincipal user, ShopDb db, CancellationToken cancellationToken)
    {
        var userId = user.UserId();
        var cart = await db.Cart.AsNoTracking().Where(c => c.UserId == userId).OrderBy(c => c.GoodsId)
            .Select(c => new CartLine(c.Quantity, c.Goods)).ToListAsync(cancellationToken);
        return TypedResults.Ok((object)new { cart });
    }

    /// <summary><c>POST</c>: puts goods that are not yet in the cart into it.</summary>
    private static async Task<Results<Created<CartLine>, BadRequest<ApiError>, NotFound<ApiError>>> Add(
        int goodsId, QuantityRequest request, ClaimsPrincipal user, ShopDb db, CancellationToken cancellationToken)
    {
        if (!Validation.IsQuantity(request.Quantity))
        {
            return ApiError.BadRequest(Messages.InvalidQuantity);
        }
        var goods = await db.Goods.FindAsync([goodsId], cancellationToken);
        if (goods is null)
        {
            return ApiError.NotFound(Messages.GoodsNotFound);
        }
        var userId = user.UserId()!.Value;
        if (await db.Cart.AnyAsync(c => c.UserId == userId && c.GoodsId == goodsId, cancellationToken))
        {
            return ApiError.BadRequest(Messages.AlreadyInCart);
        }
        db.Cart.Add(new CartItem { UserId = userId, GoodsId = goodsId, Quantity = request.Quantity!.Value });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return ApiError.BadRequest(Messages.AlreadyInCart);
        }
        return TypedResults.Created("/api/goods/cart", new CartLine(request.Quantity.Value, goods));
    }

    /// <summary><c>PUT</c>: sets the quantity, putting the goods into the cart if they were not there.</summary>
    private static async Task<Results<Ok<CartLine>, BadRequest<ApiError>, NotFound<ApiError>>> SetQuantity(
        int goodsId, QuantityRequest request, ClaimsPrincipal user, ShopDb db, CancellationToken cancellationToken)
    {
        if (!Validation.IsQuantity(request.Quantity))
        {
            return ApiError.BadRequest(Messages.InvalidQuantity);
        }
        var goods = await db.Goods.FindAsync([goodsId], cancellationToken);
        if (goods is null)
        {
            return ApiError.NotFound(Messages.GoodsNotFound);
        }
        var userId = user.UserId()!.Value;
        var item = await db.Cart.FindAsync([userId, goodsId], cancellationToken);
        if (item is null)
        {
            db.Cart.Add(new CartItem { UserId = userId, GoodsId = goodsId, Quantity = request.Quantity!.Value });
        }
        else
        {
            item.Quantity = request.Quantity!.Value;
        }
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new CartLine(request.Quantity.Value, goods));
    }

    /// <summary><c>DELETE</c>: takes the goods out of the cart (404 when they were not in it).</summary>
    private static async Task<Results<NoContent, NotFound<ApiError>>> Remove(
        int goodsId, ClaimsPrincipal user, ShopDb db, CancellationToken cancellationToken)
    {
        var removed = await db.Cart.Where(c => c.UserId == user.UserId() && c.GoodsId == goodsId).ExecuteDeleteAsync(cancellationToken);
        return removed == 0 ? ApiError.NotFound(Messages.NotInCart) : TypedResults.NoContent();
    }
}
