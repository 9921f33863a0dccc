using System.Text.Json.Serialization;
using PostsSync.Data;

namespace PostsSync;

// What the API and the `posts` events send. The names follow the course's front-end (Mongo's `_id`,
// `creator.name`, `imageUrl`, `createdAt`), so its React code would read these objects unchanged.

/// <summary>A post as sent to clients. The creator is only an id and a name: never an email or a password hash.</summary>
public sealed record PostView(
    [property: JsonPropertyName("_id")] int Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("imageUrl")] string ImageUrl,
    [property: JsonPropertyName("creator")] CreatorView Creator,
    [property: JsonPropertyName("createdAt")] DateTime CreatedAt,
    [property: JsonPropertyName("updatedAt")] DateTime UpdatedAt)
{
    /// <summary>Needs <c>post.Creator</c> loaded (<c>Include</c>).</summary>
    public static PostView From(Post post) => new(
        post.Id, post.Title, post.Content, post.ImageUrl,
        new CreatorView(post.Creator.Id, post.Creator.Name),
        post.CreatedAt, post.UpdatedAt);
}

public sealed record CreatorView(
    [property: JsonPropertyName("_id")] int Id,
    [property: JsonPropertyName("name")] string Name);

/// <summary>The payload of the <c>posts</c> event: <c>{action:'create'|'update', post}</c> or <c>{action:'delete', post: id}</c>.</summary>
public sealed record PostsEvent(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("post")] object Post)
{
    public static PostsEvent Create(PostView post) => new("create", post);
    public static PostsEvent Update(PostView post) => new("update", post);
    public static PostsEvent Delete(int postId) => new("delete", postId);
}
