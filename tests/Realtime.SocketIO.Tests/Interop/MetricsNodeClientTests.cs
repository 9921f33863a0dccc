using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// The official Node client (socket.io-client 4.8: polling first, then the upgrade) against a real Kestrel, with the
/// Engine.IO transport instruments read through the app's IMeterFactory, as an app's own test would.
/// </summary>
public sealed class MetricsNodeClientTests
{
    private static long Sum(MetricCollector<long> collector, string? tag = null, string? value = null) =>
        collector.GetMeasurementSnapshot()
            .Where(m => tag is null || (m.Tags.TryGetValue(tag, out var v) && Equals(v, value)))
            .Sum(m => m.Value);

    [Fact]
    public async Task The_official_client_moves_from_polling_to_websocket_in_active_connections()
    {
        var disconnected = Channel.CreateUnbounded<string>();
        MetricCollector<long>? active = null, upgrades = null;
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            // Once the client says it upgraded: what the instruments say now (polling, websocket, upgrades).
            socket.On("upgraded", (string transport) => new[]
            {
                Sum(active!, "engineio.transport", "polling"), Sum(active!, "engineio.transport", "websocket"), Sum(upgrades!),
            });
            socket.On("disconnect", (string reason) => { disconnected.Writer.TryWrite(reason); });
        }));
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        using (active = new MetricCollector<long>(factory, "Realtime.EngineIO", "engineio.server.active_connections"))
        using (upgrades = new MetricCollector<long>(factory, "Realtime.EngineIO", "engineio.server.upgrades"))
        using (var duration = new MetricCollector<double>(factory, "Realtime.EngineIO", "engineio.server.connection.duration"))
        {
            var lines = await NodeScript.RunAsync("sio-metrics.mjs", [host.BaseAddress.ToString()]);
            var byEvent = lines.ToDictionary(l => l.GetProperty("event").GetString()!);
            Assert.False(byEvent.ContainsKey("error"), string.Join("\n", lines));
            Assert.Equal("polling", byEvent["open"].GetProperty("transport").GetString());
            Assert.Equal("websocket", byEvent["upgraded"].GetProperty("transport").GetString());
            // What the server's instruments said once the client had upgraded: no polling session, one websocket, one upgrade.
            Assert.Equal("[0,1,1]", byEvent["upgraded"].GetProperty("seen").GetRawText());

            Assert.Equal("client namespace disconnect", await Wait.For(disconnected.Reader.ReadAsync().AsTask(), "the disconnect"));
            await Wait.For(ClosedAsync(host), "the Engine.IO session to close");
            Assert.Equal((0, 0), (Sum(active, "engineio.transport", "polling"), Sum(active, "engineio.transport", "websocket")));
            Assert.Single(duration.GetMeasurementSnapshot());
        }
    }

    /// <summary>Completes when no Engine.IO session is left open.</summary>
    private static Task ClosedAsync(SocketIOTestHost host)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var session in host.IO.Engine.Clients)
            session.Closed += (_, _, _) => { if (host.IO.Engine.ClientsCount == 0) closed.TrySetResult(); };
        if (host.IO.Engine.ClientsCount == 0) closed.TrySetResult();
        return closed.Task;
    }
}
