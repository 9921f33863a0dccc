using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.Testing;
using SocketIOClient;
using SocketIOClient.Transport;

namespace Realtime.SocketIO.Tests;

/// <summary>
/// What MapSocketIO returns chains like any ASP.NET Core endpoint: <c>.RequireAuthorization()</c> and
/// <c>.RequireCors(...)</c> apply to every endpoint it mapped (the Engine.IO endpoint and the client bundle), on a real
/// Kestrel with a real Socket.IO client.
/// </summary>
public sealed class EndpointConventionTests
{
    private const string KeyScheme = "Key";

    [Fact]
    public async Task RequireAuthorization_refuses_a_client_without_credentials_and_lets_an_authenticated_one_connect()
    {
        var log = new Transcript();
        var builder = LocalKestrel.CreateBuilder(log);
        builder.Services.AddAuthentication(KeyScheme).AddScheme<AuthenticationSchemeOptions, KeyHandler>(KeyScheme, null);
        builder.Services.AddAuthorization();
        builder.Services.AddSocketIO();
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        var io = app.MapSocketIO().RequireAuthorization().Server;
        var user = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        io.On("connection", socket => user.TrySetResult(socket.Handshake.User?.Identity?.Name));
        var baseAddress = await LocalKestrel.StartAsync(app);

        using var http = new HttpClient { BaseAddress = baseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/socket.io/?EIO=4&transport=polling")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/socket.io/socket.io.js")).StatusCode);

        using var stranger = Client(baseAddress, key: null);
        await Assert.ThrowsAnyAsync<Exception>(() => Wait.For(stranger.ConnectAsync(), "the refused client's ConnectAsync"));
        Assert.False(user.Task.IsCompleted);

        using var alice = Client(baseAddress, key: "letmein");
        await Wait.For(alice.ConnectAsync(), "ConnectAsync");
        Assert.Equal("alice", await Wait.For(user.Task, "the connection handler"));
        await app.StopAsync();
    }

    [Fact]
    public async Task RequireCors_answers_the_preflight_and_the_requests_of_an_allowed_origin_only()
    {
        var log = new Transcript();
        var builder = LocalKestrel.CreateBuilder(log);
        builder.Services.AddCors(o => o.AddPolicy("site", p => p.WithOrigins("https://site.example").AllowAnyHeader().AllowAnyMethod()));
        builder.Services.AddSocketIO();
        await using var app = builder.Build();
        app.UseCors();
        var io = app.MapSocketIO().RequireCors("site").Server;
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        io.On("connection", _ => connected.TrySetResult());
        var baseAddress = await LocalKestrel.StartAsync(app);

        using var http = new HttpClient { BaseAddress = baseAddress };
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/socket.io/?EIO=4&transport=polling");
        preflight.Headers.Add("Origin", "https://site.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var answer = await http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("https://site.example", Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));

        Assert.Equal("https://site.example", await AllowedOriginAsync(http, "/socket.io/?EIO=4&transport=polling", "https://site.example"));
        Assert.Equal("https://site.example", await AllowedOriginAsync(http, "/socket.io/socket.io.js", "https://site.example"));
        Assert.Null(await AllowedOriginAsync(http, "/socket.io/?EIO=4&transport=polling", "https://other.example"));

        using var client = Client(baseAddress, key: null);
        await Wait.For(client.ConnectAsync(), "ConnectAsync");
        await Wait.For(connected.Task, "the connection handler");
        await app.StopAsync();
    }

    private static async Task<string?> AllowedOriginAsync(HttpClient http, string url, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Origin", origin);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? Assert.Single(values) : null;
    }

    /// <summary>A polling client (the handshake is a plain GET), with the key header when given.</summary>
    private static SocketIOClient.SocketIO Client(Uri baseAddress, string? key)
    {
        var options = new SocketIOOptions
        {
            Transport = TransportProtocol.Polling,
            AutoUpgrade = false,
            Reconnection = false,
            ConnectionTimeout = Wait.DefaultTimeout,
        };
        if (key is not null) options.ExtraHeaders = new Dictionary<string, string> { ["X-Key"] = key };
        return new SocketIOClient.SocketIO(baseAddress.ToString().TrimEnd('/'), options);
    }

    /// <summary>A stand-in for a real scheme: the request is "alice" when it carries <c>X-Key: letmein</c>.</summary>
    private sealed class KeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(
            Request.Headers["X-Key"] == "letmein"
                ? AuthenticateResult.Success(new AuthenticationTicket(
                    new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], KeyScheme)), KeyScheme))
                : AuthenticateResult.NoResult());
    }
}
