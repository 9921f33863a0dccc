using System.Text.Json;
using Realtime.Testing;
using SocketIOClient;
using SocketIOClient.JsonSerializer;
using SocketIOClient.Transport;

namespace Realtime.SocketIO.Redis.Tests;

/// <summary>
/// C#'s SocketIOClient 3.0.6 on both ends of a two-server cluster, over real long-polling and over WebSocket: a room
/// broadcast from a client of server A reaches a client of server B. (Inside <c>Realtime.SocketIO.*</c> the client class
/// is written <c>SocketIOClient.SocketIO</c>.)
/// </summary>
public sealed class SocketIOClientAcrossServersTests
{
    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task A_chat_from_a_client_of_A_reaches_the_room_on_B(string transport)
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = await CSharpNode.StartAsync(redis, "A");
        await using var b = await CSharpNode.StartAsync(redis, "B");
        using var sender = await ConnectAsync(a.Address, transport);
        using var receiver = await ConnectAsync(b.Address, transport);
        var chat = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.On("chat", r => chat.TrySetResult(r.GetValue<JsonElement>()));
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await receiver.EmitAsync("join", _ => joined.TrySetResult(), "r1");
        await Wait.For(joined.Task, "the join's ack");

        await sender.EmitAsync("chat", new { room = "r1", text = "B에게" });
        var message = await Wait.For(chat.Task, "the chat on B's client");
        Assert.Equal("""{"room":"r1","text":"B에게"}""", message.GetRawText());
    }

    /// <summary>Connects with the workshop's SocketIOClient settings (see the root README's notes on the client).</summary>
    private static async Task<SocketIOClient.SocketIO> ConnectAsync(Uri server, string transport)
    {
        var client = new SocketIOClient.SocketIO(server.ToString().TrimEnd('/'), new SocketIOOptions
        {
            Transport = transport == "websocket" ? TransportProtocol.WebSocket : TransportProtocol.Polling,
            AutoUpgrade = false,
            Reconnection = false,
            ConnectionTimeout = Wait.DefaultTimeout,
        });
        ((SystemTextJsonSerializer)client.JsonSerializer).OptionsProvider = () => new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.OnConnected += (_, _) => connected.TrySetResult();
        await Wait.For(client.ConnectAsync(), "ConnectAsync");
        await Wait.For(connected.Task, "OnConnected");
        return client;
    }
}
