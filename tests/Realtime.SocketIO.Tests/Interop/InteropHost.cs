using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// A real Kestrel with a Socket.IO server for the interop tests. Unlike <c>Infrastructure.TestServer</c> it can listen
/// on a given port (to restart a server where its clients expect it) and lets a test map its own endpoints (the
/// browser pages).
/// </summary>
public sealed class InteropHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private InteropHost(WebApplication app, SocketIOServer io, Uri baseAddress, Transcript log)
    {
        _app = app;
        IO = io;
        BaseAddress = baseAddress;
        Log = log;
    }

    public SocketIOServer IO { get; }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    /// <summary>The server's log lines (Realtime.* categories).</summary>
    public Transcript Log { get; }

    /// <summary>
    /// Starts on 127.0.0.1:<paramref name="port"/> (0: a free port). <paramref name="endpoints"/> maps extra endpoints
    /// beside /socket.io; <paramref name="options"/> changes the server options (defaults otherwise, as an app has).
    /// </summary>
    public static async Task<InteropHost> StartAsync(
        Action<SocketIOServer> configure,
        int port = 0,
        Action<WebApplication>? endpoints = null,
        Action<SocketIOServerOptions>? options = null)
    {
        var log = new Transcript();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new TranscriptLoggerProvider(log));
        builder.Services.AddSocketIO(o => options?.Invoke(o));
        var app = builder.Build();
        endpoints?.Invoke(app);
        var io = app.MapSocketIO();
        configure(io);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InteropHost(app, io, new Uri(address.TrimEnd('/') + "/"), log);
    }

    /// <summary>Stops the application as Ctrl+C would (the port is free afterwards).</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}

/// <summary>
/// Runs a script of <c>Interop/node/</c> with Node (the official socket.io-client from the repository's
/// node_modules, which Node finds by walking up from the script) and parses the one-JSON-object-per-line it prints.
/// </summary>
public static class NodeScript
{
    public static async Task<IReadOnlyList<JsonElement>> RunAsync(string script, IEnumerable<string> args, [CallerFilePath] string sourceFile = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(sourceFile)!, "node");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(folder, script));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node (Node.js 20+ must be on the PATH).");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await Wait.For(process.WaitForExitAsync(), $"node {script} {string.Join(' ', args)}", TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not exit. It printed:\n{await stdout}\n{await stderr}");
        }
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"node {script} exited with {process.ExitCode}\n{output}\n{await stderr}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }
}

public record Greeting(string Name, int Count);

/// <summary>
/// The server side of the session the Node script (node/sio-session.mjs) and the browser pages run: "hello" →
/// "hello-back", "question" answered by the return value, "interview-me" → EmitWithAckAsync("whoAreYou") →
/// "interviewed", "upload" (a name and bytes) → "download" with the bytes reversed, "checksum" answered with binary,
/// and "/goods" with "buy".
/// </summary>
public static class SessionServer
{
    /// <summary>Every handler writes what it saw into <paramref name="server"/>.</summary>
    public static void Configure(SocketIOServer io, Transcript server)
    {
        io.On("connection", socket =>
        {
            server.Add($"connection / over {socket.Conn.Transport} (id {socket.Id})");
            socket.On("hello", (Greeting greeting) =>
            {
                server.Add($"hello {greeting} over {socket.Conn.Transport}");
                socket.Emit("hello-back", greeting with { Name = greeting.Name + "님", Count = greeting.Count + 1 });
            });
            socket.On("question", (string question) =>
            {
                server.Add($"question {question} over {socket.Conn.Transport}");
                return $"서버의 답: \"{question}\" 잘 받았습니다.";
            });
            socket.On("interview-me", async () =>
            {
                var answer = await socket.Timeout(Wait.DefaultTimeout).EmitWithAckAsync<string>("whoAreYou", "누구세요?");
                server.Add($"whoAreYou answered: {answer}");
                socket.Emit("interviewed", answer);
            });
            socket.On("upload", (string name, byte[] data) =>
            {
                var sent = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7));
                server.Add($"upload {name} {data.Length} bytes, same as sent: {data.SequenceEqual(sent)}, over {socket.Conn.Transport}");
                socket.Emit("download", name, data.Reverse().ToArray());
            });
            socket.On("checksum", (byte[] data) =>
            {
                server.Add($"checksum {data.Length} bytes");
                return new { length = data.Length, data };
            });
            socket.On("disconnect", (string reason) => server.Add($"disconnect / {reason}"));
        });
        io.Of("/goods").On("connection", socket =>
        {
            server.Add($"connection /goods over {socket.Conn.Transport}");
            socket.On("buy", (string item) =>
            {
                server.Add($"buy {item}");
                return $"{item} 주문 완료 ({socket.Nsp.Name})";
            });
            socket.On("disconnect", (string reason) => server.Add($"disconnect /goods {reason}"));
        });
    }
}
