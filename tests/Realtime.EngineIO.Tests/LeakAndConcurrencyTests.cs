using Microsoft.Extensions.DependencyInjection;
using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;

namespace Realtime.EngineIO.Tests;

/// <summary>Many sessions opened and closed, and many threads sending at once.</summary>
public sealed class LeakAndConcurrencyTests
{
    [Fact]
    public async Task A_thousand_connect_disconnect_cycles_leave_no_session_and_no_timer()
    {
        const int cycles = 1000;
        // Pings every 300 ms as in the suites (so ping timers come and go), with a ping timeout that a busy machine
        // cannot miss: every session must end because its client closed it.
        // The server's clock counts its timers: none may outlive the sessions.
        var timers = new CountingTimeProvider(TimeProvider.System);
        await using var app = await RunningApp<Program>.StartAsync(new Dictionary<string, string?> { ["EngineIO:PingTimeoutMs"] = "5000" },
            configure: web => web.ConfigureServices(services => services.AddSingleton<TimeProvider>(timers)));
        var server = app.Services.GetRequiredService<EngineIOServer>();
        var idle = timers.ActiveTimers;
        var opened = 0;
        var closed = 0;
        var allClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reasons = new ConcurrentDictionary<string, int>();
        server.Connection += socket =>
        {
            Interlocked.Increment(ref opened);
            socket.Closed += (_, reason, _) =>
            {
                reasons.AddOrUpdate(reason.ToNodeString(), 1, (_, n) => n + 1);
                if (Interlocked.Increment(ref closed) == cycles) allClosed.TrySetResult();
            };
        };

        using var wire = new EngineIOWire(app.BaseAddress);
        // A third each: polling (handshake, message, close packet), websocket (open, message, close frame),
        // and polling upgraded to websocket.
        await Parallel.ForAsync(0, cycles, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            switch (i % 3)
            {
                case 0: await PollingCycleAsync(wire, i); break;
                case 1: await WebSocketCycleAsync(wire, i); break;
                default: await UpgradeCycleAsync(wire, i); break;
            }
        });

        await Wait.For(allClosed.Task, $"{cycles} sessions to close (closed {Volatile.Read(ref closed)})", TimeSpan.FromSeconds(30));
        Assert.Equal(cycles, opened);
        Assert.Equal(0, server.ClientsCount);
        Assert.True(timers.CreatedTimers >= cycles, $"{timers.CreatedTimers} timers created"); // a ping timer per session at least
        Assert.Equal(idle, timers.ActiveTimers);
        Assert.True(cycles == reasons.GetValueOrDefault("transport close"), string.Join(", ", reasons.Select(r => $"{r.Key}: {r.Value}")));
    }

    private static async Task PollingCycleAsync(EngineIOWire wire, int i)
    {
        var sid = (await wire.HandshakeAsync()).Sid;
        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, $"4cycle {i}")).StatusCode);
        Assert.Contains($"4cycle {i}", (await wire.PollUntilAsync(sid, p => p == $"4cycle {i}")));
        Assert.Equal(HttpStatusCode.OK, (await wire.PostAsync(sid, "1")).StatusCode);
    }

    private static async Task WebSocketCycleAsync(EngineIOWire wire, int i)
    {
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        await wire.ReceiveAsync(ws);
        await wire.SendTextAsync(ws, $"4cycle {i}");
        Assert.Equal($"4cycle {i}", (await wire.ReceiveSkippingPingsAsync(ws)).Text);
        await Wait.For(ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None), "the close handshake");
    }

    private static async Task UpgradeCycleAsync(EngineIOWire wire, int i)
    {
        var sid = (await wire.HandshakeAsync()).Sid;
        using var ws = await wire.ConnectAsync($"EIO=4&transport=websocket&sid={sid}");
        await wire.SendTextAsync(ws, "2probe");
        Assert.Equal("3probe", (await wire.ReceiveAsync(ws)).Text);
        await wire.SendTextAsync(ws, "5");
        await wire.SendTextAsync(ws, $"4cycle {i}");
        Assert.Equal($"4cycle {i}", (await wire.ReceiveSkippingPingsAsync(ws)).Text);
        await Wait.For(ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None), "the close handshake");
    }

    [Fact]
    public async Task Sends_from_many_threads_all_arrive_whole_and_in_each_thread_order()
    {
        const int threads = 8, perThread = 250;
        await using var host = await EchoHost.StartAsync();
        using var wire = host.Wire();
        using var ws = await wire.ConnectAsync("EIO=4&transport=websocket");
        var socket = await host.SessionOfAsync(wire, ws);

        // One shared message instance goes to the socket from every thread too, like a broadcast would.
        var shared = EngineMessage.FromText("shared");
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var n = 0; n < perThread; n++)
            {
                if (n % 2 == 0) socket.Send($"{t}:{n}");
                else socket.Send([EngineMessage.FromText($"{t}:{n}"), EngineMessage.FromBinary(new byte[] { (byte)t, (byte)n }), shared]);
            }
        })));

        var next = new int[threads];
        var expectedFrames = threads * (perThread / 2 + perThread / 2 * 3);
        for (var received = 0; received < expectedFrames; received++)
        {
            var frame = await wire.ReceiveSkippingPingsAsync(ws);
            Assert.Equal(WebSocketMessageType.Text, frame.Type);
            var (t, n) = Parse(frame.Text);
            Assert.Equal(next[t], n);
            next[t]++;
            if (n % 2 == 1)
            {
                // The atomic batch: text, then its binary, then the shared message, with nothing in between.
                var binary = await wire.ReceiveSkippingPingsAsync(ws);
                Assert.Equal([(byte)t, (byte)n], binary.Data);
                Assert.Equal("4shared", (await wire.ReceiveSkippingPingsAsync(ws)).Text);
                received += 2;
            }
        }
        Assert.All(next, count => Assert.Equal(perThread, count));
    }

    private static (int Thread, int N) Parse(string text)
    {
        var parts = text[1..].Split(':');
        return (int.Parse(parts[0]), int.Parse(parts[1]));
    }
}
