using BuyAlerts.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace BuyAlerts.Api;

public sealed record GoodsRequest(int? GoodsId, string? Name, string? ThumbnailUrl, string? Category, int? Price);

/// <summary>The post's routes/goods.js, goods part: list (with a category filter), detail, add.</summary>
public static class GoodsApi
{
    public static RouteGroupBuilder MapGoodsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/goods", List);
        api.MapGet("/goods/{goodsId:int}", Detail);
        api.MapPost("/goods", Add).RequireAuthorization(Auth.ShopAuth.AdminOnly); // the post's shop let anyone add goods
        return api;
    }

    /// <summary><c>GET /api/goods?category=음료</c>; no category (or an empty one) lists everything.</summary>
    private static async Task<Ok<object>> List(string? category, ShopDb db, CancellationToken cancellationToken)
    {
        var query = db.Goods.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(category))
        {
            query = query.Where(g => g.Category == category.Trim());
        }
        var goods = await query.OrderBy(g => g.GoodsId).ToListAsync(cancellationToken);
        return TypedResults.Ok((object)new { goods });
    }

    private static async Task<Results<Ok<object>, NotFound<ApiError>>> Detail(int goodsId, ShopDb db, CancellationToken cancellationToken)
    {
        var goods = await db.Goods.AsNoTracking().SingleOrDefaultAsync(g => g.GoodsId == goodsId, cancellationToken);
        return goods is null ? ApiError.NotFound(Messages.GoodsNotFound) : TypedResults.Ok((object)new { goods });
    }

    /// <summary>
    /// <c>POST /api/goods</c>, for administrators only (<c>Shop:Admins</c>). The post's shop took goods from anyone, and a
    /// goods name reaches every shopper's screen in the alerts: 401 without a sign-in, 403 for a member.
    /// </summary>
    private static async Task<Results<Created<object>, BadRequest<ApiError>>> Add(
        GoodsRequest request, ShopDb db, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim();
        var category = request.Category?.Trim();
        if (request.GoodsId is not >= 1 || name is not { Length: >= 1 and <= 50 } || category is not { Length: >= 1 and <= 20 }
            || request.Price is not >= 0 || !Validation.IsThumbnailUrl(request.ThumbnailUrl))
        {
            return ApiError.BadRequest(Messages.InvalidGoods);
        }
        if (await db.Goods.AnyAsync(g => g.GoodsId == request.GoodsId, cancellationToken))
        {
            return ApiError.BadRequest(Messages.GoodsIdTaken);
        }

        var goods = new Goods
        {
            GoodsId = request.GoodsId.Value, Name = name, Category = category,
            Price = request.Price.Value, ThumbnailUrl = request.ThumbnailUrl!,
        };
        db.Goods.Add(goods);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return ApiError.BadRequest(Messages.GoodsIdTaken);
        }
        return TypedResults.Created($"/api/goods/{goods.GoodsId}", (object)new { goods });
    }
}
