using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostsSync.Data;
using Realtime.SocketIO;

namespace PostsSync;

/// <summary>
/// The course's <c>routes/feed.js</c> and <c>controllers/feed.js</c>: the paginated feed and one post's create, read,
/// update and delete. Every route needs <c>Authorization: Bearer &lt;jwt&gt;</c>.
/// <para>
/// Each change is told to every connected page: <c>io.Emit("posts", new { action, post })</c>. The post's
/// <c>socket.js</c> kept <c>io</c> in a module variable behind <c>init</c>/<c>getIO</c> ("Socket.io not initialized!");
/// here the one <see cref="SocketIOServer"/> comes from dependency injection, asked for by the handlers that emit.
/// <c>[FromServices]</c> says so explicitly: without it, a server that was never registered (no <c>AddSocketIO</c>)
/// would be mistaken for the request body instead of failing clearly.
/// </para>
/// </summary>
public static class FeedEndpoints
{
    public static void MapFeedEndpoints(this IEndpointRouteBuilder app)
    {
        var feed = app.MapGroup("/feed").RequireAuthorization();
        feed.MapGet("/posts", GetPostsAsync);
        feed.MapGet("/post/{postId}", GetPostAsync);
        // Uploads: the whole request may be a little bigger than the image (the other fields, the multipart framing);
        // a bigger one is cut off while it is read and answered 413.
        var uploadLimit = app.ServiceProvider.GetRequiredService<IOptions<PostsOptions>>().Value.MaxImageBytes + 64 * 1024;
        feed.MapPost("/post", CreatePostAsync).WithMetadata(new RequestSizeLimitAttribute(uploadLimit));
        feed.MapPut("/post/{postId}", UpdatePostAsync).WithMetadata(new RequestSizeLimitAttribute(uploadLimit));
        feed.MapDelete("/post/{postId}", DeletePostAsync);
    }

    // GET /feed/posts?page=N → {message, posts, totalItems}: PerPage posts (2), newest first
    private static async Task<IResult> GetPostsAsync(string? page, PostsDb db, IOptions<PostsOptions> options, CancellationToken ct)
    {
        var perPage = options.Value.PerPage;
        var current = int.TryParse(page, out var n) && n > 0 ? n : 1;
        var totalItems = await db.Posts.CountAsync(ct);
        var posts = await db.Posts.Include(p => p.Creator)
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .Skip((current - 1) * perPage).Take(perPage)
            .ToListAsync(ct);
        return Results.Json(new { message = "Fetched posts successfully.", posts = posts.Select(PostView.From), totalItems });
    }

    // GET /feed/post/{postId} → {message, post} or 404
    private static async Task<IResult> GetPostAsync(string postId, PostsDb db, CancellationToken ct)
    {
        var post = await FindAsync(db, postId, ct);
        return post is null ? PostNotFound() : Results.Json(new { message = "Post fetched.", post = PostView.From(post) });
    }

    // POST /feed/post (multipart: title, content, image) → 201 {message, post, creator}
    private static async Task<IResult> CreatePostAsync(HttpRequest request, ClaimsPrincipal principal, PostsDb db, ImageStore images, [FromServices] SocketIOServer io, CancellationToken ct)
    {
        var form = await ReadFormAsync(request, ct);
        var (title, content, errors) = Validate(form);
        if (errors.Any)
        {
            return errors.ToResult("Validation failed, entered data is incorrect.");
        }
        if (form.Files.GetFile("image") is not { } image)
        {
            return Errors.Json(StatusCodes.Status422UnprocessableEntity, "No image provided.",
                [new FieldError("image", "Please choose a .png, .jpg or .jpeg image.", null)]);
        }
        if (await images.CheckAsync(image, ct) is { } bad)
        {
            return Errors.Json(bad.Status, "Validation failed, entered data is incorrect.", [bad.Error]);
        }
        var creator = await db.Users.FindAsync([principal.UserId()], ct);
        if (creator is null)
        {
            return Errors.Json(StatusCodes.Status401Unauthorized, "Not authenticated: the user no longer exists.");
        }

        var now = DateTime.UtcNow;
        var post = new Post
        {
            Title = title, Content = content, ImageUrl = await images.SaveAsync(image, ct),
            Creator = creator, CreatedAt = now, UpdatedAt = now,
        };
        db.Posts.Add(post);
        await SaveOrForgetImageAsync(db, images, post.ImageUrl, ct);

        // The post emitted { action: "create" } alone; the pages need the post itself (with its creator's name only).
        var view = PostView.From(post);
        io.Emit("posts", PostsEvent.Create(view));
        return Results.Json(new { message = "Post created successfully!", post = view, creator = view.Creator },
            statusCode: StatusCodes.Status201Created);
    }

    // PUT /feed/post/{postId} (multipart: title, content, optional new image) → {message, post}; creator only
    private static async Task<IResult> UpdatePostAsync(string postId, HttpRequest request, ClaimsPrincipal principal, PostsDb db, ImageStore images, [FromServices] SocketIOServer io, CancellationToken ct)
    {
        var form = await ReadFormAsync(request, ct);
        var (title, content, errors) = Validate(form);
        if (errors.Any)
        {
            return errors.ToResult("Validation failed, entered data is incorrect.");
        }
        var post = await FindAsync(db, postId, ct);
        if (post is null)
        {
            return PostNotFound();
        }
        if (post.CreatorId != principal.UserId())
        {
            return NotCreator();
        }
        // No new file keeps the current image. (The course also took an image path from the form and deleted the
        // old file by it; here the server alone decides which files exist.)
        var oldImage = post.ImageUrl;
        if (form.Files.GetFile("image") is { } image)
        {
            if (await images.CheckAsync(image, ct) is { } bad)
            {
                return Errors.Json(bad.Status, "Validation failed, entered data is incorrect.", [bad.Error]);
            }
            post.ImageUrl = await images.SaveAsync(image, ct);
        }
        post.Title = title;
        post.Content = content;
        post.UpdatedAt = DateTime.UtcNow;
        await SaveOrForgetImageAsync(db, images, post.ImageUrl == oldImage ? null : post.ImageUrl, ct);
        if (post.ImageUrl != oldImage)
        {
            images.Delete(oldImage);      // replaced: the old file goes
        }

        var view = PostView.From(post);
        io.Emit("posts", PostsEvent.Update(view));
        return Results.Json(new { message = "Post updated!", post = view });
    }

    // DELETE /feed/post/{postId} → {message}; creator only; the image file goes too
    private static async Task<IResult> DeletePostAsync(string postId, ClaimsPrincipal principal, PostsDb db, ImageStore images, [FromServices] SocketIOServer io, CancellationToken ct)
    {
        var post = await FindAsync(db, postId, ct);
        if (post is null)
        {
            return PostNotFound();
        }
        if (post.CreatorId != principal.UserId())
        {
            return NotCreator();
        }
        db.Posts.Remove(post);
        await db.SaveChangesAsync(ct);
        images.Delete(post.ImageUrl);

        io.Emit("posts", PostsEvent.Delete(post.Id));
        return Results.Json(new { message = "Deleted post." });
    }

    private static Task<Post?> FindAsync(PostsDb db, string postId, CancellationToken ct) =>
        int.TryParse(postId, out var id)
            ? db.Posts.Include(p => p.Creator).SingleOrDefaultAsync(p => p.Id == id, ct)
            : Task.FromResult<Post?>(null);

    /// <summary>Saves; if that fails, the image just stored for this change is deleted, so no file is left orphaned.</summary>
    private static async Task SaveOrForgetImageAsync(PostsDb db, ImageStore images, string? newImage, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch when (newImage is not null)
        {
            images.Delete(newImage);
            throw;
        }
    }

    private static IResult PostNotFound() => Errors.Json(StatusCodes.Status404NotFound, "Could not find post.");

    private static IResult NotCreator() => Errors.Json(StatusCodes.Status403Forbidden, "Not authorized!");

    /// <summary>The course's <c>body('title').trim().isLength({ min: 5 })</c>, the same for content, plus a maximum.</summary>
    private static (string Title, string Content, FieldErrors Errors) Validate(IFormCollection form)
    {
        var rawTitle = form["title"].ToString();
        var rawContent = form["content"].ToString();
        var (title, content) = (rawTitle.Trim(), rawContent.Trim());
        var errors = new FieldErrors()
            .Check(title.Length < 5, "title", "The title must be at least 5 characters long.", rawTitle)
            .Check(title.Length > Limits.Title, "title", $"The title must be at most {Limits.Title} characters long.", null)
            .Check(content.Length < 5, "content", "The content must be at least 5 characters long.", rawContent)
            .Check(content.Length > Limits.Content, "content", $"The content must be at most {Limits.Content} characters long.", null);
        return (title, content, errors);
    }

    /// <summary>The multipart form (multer's job in the course). A body that is not a form reads as an empty one.</summary>
    private static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return FormCollection.Empty;
        }
        try
        {
            return await request.ReadFormAsync(ct);
        }
        catch (InvalidDataException e)
        {
            throw new BadHttpRequestException($"The form data is malformed: {e.Message}", StatusCodes.Status400BadRequest, e);
        }
    }
}
