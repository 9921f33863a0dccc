using Microsoft.AspNetCore.Http.HttpResults;

namespace BuyAlerts.Api;

/// <summary>Every failure of the API has this body, as in the post's shop: <c>{ "errorMessage": "..." }</c>.</summary>
public sealed record ApiError(string ErrorMessage)
{
    public static BadRequest<ApiError> BadRequest(string message) => TypedResults.BadRequest(new ApiError(message));
    public static NotFound<ApiError> NotFound(string message) => TypedResults.NotFound(new ApiError(message));
    public static JsonHttpResult<ApiError> Unauthorized() =>
        TypedResults.Json(new ApiError(Messages.SignInRequired), statusCode: StatusCodes.Status401Unauthorized);
}

/// <summary>What the shop says. The first five are the post's own words.</summary>
public static class Messages
{
    public const string PasswordMismatch = "패스워드가 패스워드 확인란과 다릅니다.";
    public const string EmailOrNicknameTaken = "이메일 또는 닉네임이 이미 사용중입니다.";
    public const string WrongCredentials = "이메일 또는 패스워드가 틀렸습니다.";
    public const string SignInRequired = "로그인 후 이용 가능한 기능입니다.";
    public const string GoodsIdTaken = "이미 존재하는 GoodsId입니다.";
    // The post's shop had no words for these.
    public const string AlreadyInCart = "이미 장바구니에 해당하는 상품이 존재합니다.";
    public const string GoodsNotFound = "상품이 존재하지 않습니다.";
    public const string NotInCart = "장바구니에 해당하는 상품이 없습니다.";
    public const string InvalidEmail = "이메일 형식이 올바르지 않습니다.";
    public const string InvalidNickname = "닉네임은 2자 이상 30자 이하로 입력해 주세요.";
    public const string InvalidPassword = "패스워드는 4자 이상 100자 이하로 입력해 주세요.";
    public const string MissingCredentials = "이메일과 패스워드를 입력해 주세요.";
    public const string InvalidQuantity = "수량은 1 이상 99 이하의 정수여야 합니다.";
    public const string InvalidGoods =
        "상품 정보가 올바르지 않습니다. goodsId(1 이상), name(1~50자), category(1~20자), price(0 이상), thumbnailUrl('/'로 시작하는 경로 또는 http(s) 주소)이 필요합니다.";
    public const string InvalidJson = "요청 본문이 올바른 JSON이 아닙니다.";
    public const string AdminOnly = "관리자만 이용할 수 있는 기능입니다.";
    public const string TooManyRequests = "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.";
    public const string NothingToOrder = "주문할 상품이 없습니다.";
    public const string OrderNotFound = "주문 내역을 찾을 수 없습니다.";
    public const string OrderAlreadyAnnounced = "이미 알림을 보낸 주문입니다.";
    public const string TooManyAlerts = "구매 알림은 1분에 3번까지 보낼 수 있습니다. 잠시 후 다시 시도해 주세요.";
}

public static class BadRequestBodies
{
    /// <summary>Minimal APIs report unreadable bodies by throwing, so <see cref="UseJsonBadRequests"/> can answer them.</summary>
    public static IServiceCollection AddJsonBadRequests(this IServiceCollection services) =>
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

    /// <summary>
    /// A body that is not JSON, or JSON of the wrong shape (<c>"quantity": "two"</c>), gets a 400 with an
    /// <c>errorMessage</c> instead of an exception page; the server goes on serving everyone else.
    /// </summary>
    public static IApplicationBuilder UseJsonBadRequests(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = e.StatusCode;
                var message = e.StatusCode == StatusCodes.Status400BadRequest ? Messages.InvalidJson : e.Message;
                await context.Response.WriteAsJsonAsync(new ApiError(message), context.RequestAborted);
            }
        });
}
