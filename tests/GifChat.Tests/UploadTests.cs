using System.Net;

namespace GifChat.Tests;

/// <summary><c>POST /room/{id}/gif</c>: only real GIFs up to 5 MB, stored under a name the server chooses.</summary>
public sealed class UploadTests : IAsyncLifetime
{
    private GifChatServer _server = null!;
    private TestVisitor _member = null!;
    private int _room;

    public async Task InitializeAsync()
    {
        _server = await GifChatServer.StartAsync();
        _member = _server.NewVisitor();
        _room = await _member.CreateRoomAsync("짤방");
        await _member.GetAsync($"/room/{_room}");
    }

    public async Task DisposeAsync()
    {
        _member.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_real_gif_is_stored_under_a_generated_name_and_served_under_gif()
    {
        var (status, chat) = await _member.SendGifAsync(_room, TestImages.TinyGif, "../../고양이.gif");

        Assert.Equal(HttpStatusCode.OK, status);
        var name = chat.GetProperty("gif").GetString()!;
        Assert.Matches("^[0-9a-f]{32}\\.gif$", name);                // not the client's name, never a path
        Assert.Equal(JsonValueKindNull, chat.GetProperty("chat").ValueKind);
        Assert.Equal(_member.Color, chat.GetProperty("user").GetString());
        Assert.Equal([name], Directory.GetFiles(_server.UploadsFolder).Select(Path.GetFileName));

        using var served = await _member.Http.GetAsync($"/gif/{name}");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/gif", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TestImages.TinyGif, await served.Content.ReadAsByteArrayAsync());

        var (_, page, _) = await _member.GetAsync($"/room/{_room}");   // the history shows it as an image
        Assert.Contains($"<img src=\"/gif/{name}\" alt=\"GIF\">", page);
    }

    [Fact]
    public async Task An_exe_renamed_gif_is_refused_with_a_clear_message()
    {
        var (status, body) = await _member.SendGifAsync(_room, TestImages.WindowsExe, "funny.gif");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("GIF 파일만 올릴 수 있습니다. (파일 내용이 GIF가 아닙니다)", body.GetProperty("error").GetString());
        Assert.Empty(Directory.GetFiles(_server.UploadsFolder));
    }

    [Fact]
    public async Task Another_image_type_is_not_a_gif()
    {
        var (status, body) = await _member.SendGifAsync(_room, TestImages.Png, "picture.png", "image/png");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("GIF 파일만 올릴 수 있습니다. (파일 내용이 GIF가 아닙니다)", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_gif_over_5_MB_is_refused()
    {
        var (status, body) = await _member.SendGifAsync(_room, TestImages.GifOfSize(5 * 1024 * 1024 + 1), "big.gif");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("GIF는 5MB까지 올릴 수 있습니다.", body.GetProperty("error").GetString());
        Assert.Empty(Directory.GetFiles(_server.UploadsFolder));

        var (exactly, _) = await _member.SendGifAsync(_room, TestImages.GifOfSize(5 * 1024 * 1024), "just-fits.gif");
        Assert.Equal(HttpStatusCode.OK, exactly);                   // the limit itself is allowed
    }

    [Fact]
    public async Task An_empty_or_missing_file_and_a_stranger_are_refused()
    {
        var (status, body) = await _member.SendGifAsync(_room, [], "empty.gif");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("빈 파일입니다. GIF 파일을 선택하세요.", body.GetProperty("error").GetString());

        using var stranger = _server.NewVisitor();
        await stranger.GetAsync("/");
        (status, body) = await stranger.SendGifAsync(_room, TestImages.TinyGif, "cat.gif");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("이 방에 입장하지 않았습니다.", body.GetProperty("error").GetString());
        Assert.Empty(Directory.GetFiles(_server.UploadsFolder));
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
