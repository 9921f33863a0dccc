using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Testing;

namespace Realtime.SocketIO.AdminUI.Tests;

/// <summary>
/// A real Kestrel with a Socket.IO server, the admin namespace and the dashboard's page, as an app turns them on.
/// The main namespace answers <c>join</c> (the socket joins the room it names, then acks) and <c>chat</c> (acks).
/// </summary>
public sealed class AdminHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AdminHost(WebApplication app, SocketIOServer io, SocketIOAdmin admin, Uri baseAddress, Transcript log)
    {
        _app = app;
        IO = io;
        Admin = admin;
        BaseAddress = baseAddress;
        Log = log;
    }

    public SocketIOServer IO { get; }
    public SocketIOAdmin Admin { get; }
    public Uri BaseAddress { get; }
    public Transcript Log { get; }

    public Uri Url(string relative) => new(BaseAddress, relative);

    public static async Task<AdminHost> StartAsync(Action<SocketIOAdminOptions>? admin = null, string environment = "Development")
    {
        var log = new Transcript();
        var builder = LocalKestrel.CreateBuilder(log, environment: environment);
        builder.Services.AddSocketIO();
        var app = builder.Build();
        var io = app.MapSocketIO().Server;
        io.On("connection", socket =>
        {
            socket.On("join", (string room) => { socket.Join(room); return "joined"; });
            socket.On("chat", (string text) => "ok");
        });
        var instrumented = io.Instrument(admin);
        app.MapSocketIOAdminUI();
        return new AdminHost(app, io, instrumented, await LocalKestrel.StartAsync(app), log);
    }

    public async ValueTask DisposeAsync()
    {
        await Admin.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
