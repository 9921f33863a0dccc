using System.Text.Json.Serialization;

namespace PostsSync;

/// <summary>
/// Every error is <c>{ "message": "...", "data": [ ...field errors... ] }</c> with the right status, like the course's
/// error middleware (<c>res.status(status).json({ message, data })</c>). <c>data</c> is always a list, empty
/// unless some fields were wrong.
/// </summary>
public sealed record ApiError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] IReadOnlyList<FieldError> Data);

/// <summary>
/// One wrong field, in express-validator's words: <c>path</c> (the field), <c>msg</c> (what is wrong), <c>value</c>
/// (what was sent; left out for passwords and files' contents).
/// </summary>
public sealed record FieldError(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Value);

/// <summary>Collects field errors, like express-validator's <c>validationResult(req)</c>.</summary>
public sealed class FieldErrors
{
    private readonly List<FieldError> _errors = [];

    public bool Any => _errors.Count > 0;

    /// <summary>Adds an error for <paramref name="path"/> when <paramref name="wrong"/> is true.</summary>
    public FieldErrors Check(bool wrong, string path, string msg, string? value)
    {
        if (wrong)
        {
            _errors.Add(new FieldError(path, msg, value));
        }
        return this;
    }

    /// <summary>422 <c>{ message, data }</c>.</summary>
    public IResult ToResult(string message) => Errors.Json(StatusCodes.Status422UnprocessableEntity, message, _errors);
}

public static class Errors
{
    public static IResult Json(int status, string message, IReadOnlyList<FieldError>? data = null) =>
        Results.Json(new ApiError(message, data ?? []), statusCode: status);

    public static Task WriteAsync(HttpContext context, int status, string message) =>
        Results.Json(new ApiError(message, []), statusCode: status).ExecuteAsync(context);

    /// <summary>
    /// Turns what escapes an endpoint into <c>{ message, data }</c>: a malformed body or one over the size limit
    /// (ASP.NET Core's <see cref="BadHttpRequestException"/>) keeps its 400/413; anything else is logged and is a 500
    /// that does not leak the exception. The server keeps serving everyone else either way.
    /// </summary>
    public static IApplicationBuilder UseApiErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            var message = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request is too large."
                : e.InnerException is System.Text.Json.JsonException ? "Bad request: the body is not valid JSON."
                : $"Bad request: {e.Message}";
            await WriteAsync(context, e.StatusCode, message);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("PostsSync.Errors")
                .LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, "An error occurred.");
        }
    });
}
