using System.Net.WebSockets;
using System.Text;
using Xunit.Abstractions;

namespace Realtime.EngineIO.Tests;

/// <summary>
/// A server whose process runs out of file descriptors refuses the clients it cannot take and keeps the ones it has
/// (as Node does), instead of spinning on the failed accept until the runtime dies of "Out of memory.". The
/// conformance host runs as a child process with a low open-files limit (<c>ulimit -n</c>), so only it is starved.
/// </summary>
public sealed class FileDescriptorLimitTests(ITestOutputHelper output)
{
    /// <summary>
    /// The child's limit. .NET holds about 200 descriptors once warm (two per loaded assembly), so about 200 are left
    /// for clients, minus the listener's headroom of 16.
    /// </summary>
    private const int OpenFilesLimit = 400;

    /// <summary>Well over what the child can hold.</summary>
    private const int Clients = 450;

    [Fact]
    public async Task Out_of_file_descriptors_the_server_refuses_new_clients_and_keeps_serving_the_others()
    {
        if (!OperatingSystem.IsLinux()) return; // ulimit and /proc: the limit being tested is a Unix one

        await using var child = await ConformanceHostProcess.StartAsync(openFilesLimit: OpenFilesLimit);
        var clients = new List<ClientWebSocket>();
        try
        {
            // A client from before the storm, and the server's memory once warm.
            var veteran = await ConnectAsync(child.Port) ?? throw new InvalidOperationException("the first client could not connect");
            clients.Add(veteran);
            await AssertEchoAsync(veteran, "before");
            var rssBefore = child.ResidentKilobytes();

            // More clients than descriptors, 25 at a time. The ones past the limit must be refused (quickly: a
            // refused connect fails at once, it does not hang), not left to wait for a server that is dying.
            var refused = 0;
            var rssMax = rssBefore;
            for (var i = 0; i < Clients; i += 25)
            {
                var batch = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => ConnectAsync(child.Port)));
                foreach (var client in batch)
                {
                    if (client is null) refused++;
                    else clients.Add(client);
                }
                rssMax = Math.Max(rssMax, child.ResidentKilobytes());
            }
            output.WriteLine($"{clients.Count} clients held, {refused} refused; RSS {rssBefore} kB before, at most {rssMax} kB");
            Assert.True(refused > 0, "every client was accepted: the limit was not reached, so this proves nothing");
            Assert.True(clients.Count > 100, $"only {clients.Count} clients held");
            await child.Log.WaitFor(l => l.Contains("Cannot accept connections", StringComparison.Ordinal), what: "the out-of-descriptors warning");

            // Clients that keep knocking while the server is full get refused again and again: the server's memory
            // must stay flat (the bug grew it by 25 MB/s until the process died).
            for (var i = 0; i < 4; i++)
            {
                var again = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => ConnectAsync(child.Port)));
                Assert.All(again, client => Assert.Null(client));
                rssMax = Math.Max(rssMax, child.ResidentKilobytes());
            }
            Assert.False(child.HasExited, "the server died while refusing clients: " + child.Output);
            Assert.True(rssMax < rssBefore + 100_000, $"the server's memory ran away: {rssBefore} kB → {rssMax} kB");
            Assert.Equal(1, child.Log.Count(l => l.Contains("Cannot accept connections", StringComparison.Ordinal))); // once per episode

            // Everyone already connected is still served: the first client and the last one accepted.
            await AssertEchoAsync(veteran, "during");
            await AssertEchoAsync(clients[^1], "during, last accepted");

            // Some leave; a newcomer gets in again, and the server says the episode is over.
            foreach (var client in clients.GetRange(1, 60))
            {
                await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                client.Dispose();
            }
            clients.RemoveRange(1, 60);
            var newcomer = await Wait.For(ConnectUntilAcceptedAsync(child.Port), "a new client to be accepted once others left");
            clients.Add(newcomer);
            await AssertEchoAsync(newcomer, "after");
            await AssertEchoAsync(veteran, "after");
            await child.Log.WaitFor(l => l.Contains("again;", StringComparison.Ordinal), what: "the end-of-episode note");
            Assert.False(child.HasExited);
        }
        finally
        {
            foreach (var client in clients) client.Abort();
            foreach (var client in clients) client.Dispose();
        }
    }

    /// <summary>An Engine.IO WebSocket session (its open packet received), or null if the server refused it.</summary>
    private static async Task<ClientWebSocket?> ConnectAsync(int port)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Wait.DefaultTimeout);
        try
        {
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/engine.io/?EIO=4&transport=websocket"), timeout.Token);
            var open = await ReceiveTextAsync(socket, timeout.Token);
            Assert.StartsWith("0{", open);
            return socket;
        }
        catch (Exception e) when (e is WebSocketException or IOException or HttpRequestException)
        {
            socket.Dispose();
            return null; // refused: reset at once
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            throw new TimeoutException("a client was neither served nor refused within " + Wait.DefaultTimeout);
        }
    }

    /// <summary>Tries until the server takes a client (it takes them again once enough descriptors are free).</summary>
    private static async Task<ClientWebSocket> ConnectUntilAcceptedAsync(int port)
    {
        while (true)
        {
            if (await ConnectAsync(port) is { } client) return client;
        }
    }

    private static async Task AssertEchoAsync(ClientWebSocket socket, string text)
    {
        using var timeout = new CancellationTokenSource(Wait.DefaultTimeout);
        await socket.SendAsync(Encoding.UTF8.GetBytes("4" + text), WebSocketMessageType.Text, true, timeout.Token);
        Assert.Equal("4" + text, await ReceiveTextAsync(socket, timeout.Token));
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("closed by the server");
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            if (result.EndOfMessage) return text.ToString();
        }
    }
}
