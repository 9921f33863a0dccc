using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Testing;

namespace Realtime.EngineIO.Tests;

/// <summary>What MapEngineIO returns chains like any ASP.NET Core endpoint, on a real Kestrel.</summary>
public sealed class EndpointConventionTests
{
    [Fact]
    public async Task RequireCors_applies_the_policy_to_the_Engine_IO_endpoint_and_Server_is_the_mapped_server()
    {
        var builder = LocalKestrel.CreateBuilder(new Transcript());
        builder.Services.AddCors(o => o.AddPolicy("site", p => p.WithOrigins("https://site.example").AllowAnyHeader().AllowAnyMethod()));
        builder.Services.AddEngineIO();
        await using var app = builder.Build();
        app.UseCors();
        var server = app.MapEngineIO().RequireCors("site").Server;
        Assert.Same(app.Services.GetRequiredService<EngineIOServer>(), server);
        var baseAddress = await LocalKestrel.StartAsync(app);

        using var http = new HttpClient { BaseAddress = baseAddress };
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/engine.io/?EIO=4&transport=polling");
        preflight.Headers.Add("Origin", "https://site.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var answer = await http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("https://site.example", Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));

        using var handshake = new HttpRequestMessage(HttpMethod.Get, "/engine.io/?EIO=4&transport=polling");
        handshake.Headers.Add("Origin", "https://site.example");
        var opened = await http.SendAsync(handshake);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("https://site.example", Assert.Single(opened.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.StartsWith("0{\"sid\":", await opened.Content.ReadAsStringAsync());
        Assert.Equal(1, server.ClientsCount);
        await app.StopAsync();
    }

    [Fact]
    public async Task Configure_completes_the_registered_servers_options_before_it_is_built()
    {
        var builder = LocalKestrel.CreateBuilder(new Transcript());
        builder.Services.AddEngineIO(o => o.PingInterval = TimeSpan.FromSeconds(7));
        await using var app = builder.Build();
        var server = app.MapEngineIO("/eio", o => o.PingTimeout = TimeSpan.FromSeconds(3)).Server;
        Assert.Same(app.Services.GetRequiredService<EngineIOServer>(), server);
        Assert.Equal((TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(3)), (server.Options.PingInterval, server.Options.PingTimeout));
        // A second MapEngineIO gets a server of its own.
        Assert.NotSame(server, app.MapEngineIO("/other").Server);
    }

    [Fact]
    public async Task Configure_throws_when_the_registered_server_already_exists()
    {
        var builder = LocalKestrel.CreateBuilder(new Transcript());
        builder.Services.AddEngineIO();
        await using var app = builder.Build();
        _ = app.Services.GetRequiredService<EngineIOServer>();
        Assert.Throws<InvalidOperationException>(() => app.MapEngineIO("/eio", o => o.PingTimeout = TimeSpan.FromSeconds(3)));
    }
}
