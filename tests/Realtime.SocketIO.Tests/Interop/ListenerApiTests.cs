using Realtime.SocketIO.Tests.Infrastructure;
using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

/// <summary>
/// The listener API of Node's EventEmitter on the server-side socket: <c>Once</c>, <c>Off(event, handler)</c>,
/// <c>Listeners</c>, <c>PrependAny</c>, <c>OffAny(handler)</c>, <c>ListenersAny</c>, with the official client.
/// </summary>
public sealed class ListenerApiTests
{
    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task Once_Off_PrependAny_and_OffAny_behave_as_an_EventEmitter_with_the_official_client(string transport)
    {
        var server = new Transcript();
        await using var host = await SocketIOTestHost.StartWithDefaultsAsync(io => io.On("connection", socket =>
        {
            var seen = new List<string>();   // handlers run one at a time per connection: no lock needed
            // Lambdas kept in variables: Off and OffAny take the same instance back.
            Action<string> onSay = text => seen.Add($"on {text}");
            Action<string, SocketIOArgs> logAny = (name, _) => seen.Add($"any {name}");
            socket.On("say", onSay);
            socket.Once("say", (string text) => seen.Add($"once {text}"));
            socket.OnAny(logAny);
            socket.PrependAny((name, _) => seen.Add($"first {name}"));
            socket.Once("question", (string q) => $"처음 질문만 답합니다: {q}");
            socket.On("stop-listening", () =>
            {
                socket.Off("say", onSay);
                socket.OffAny(logAny);
                return new { say = socket.Listeners("say").Count, any = socket.ListenersAny().Count, question = socket.Listeners("question").Count };
            });
            socket.On("report", () => seen.ToArray());
            socket.Once("disconnect", (string reason) => server.Add($"once disconnect {reason}"));
            socket.On("disconnect", (string reason) => server.Add($"disconnect {reason}"));
        }));

        var lines = await NodeScript.RunAsync("sio-listeners.mjs", [host.BaseAddress.ToString(), transport]);
        var seen = lines.ToDictionary(l => l.GetProperty("event").GetString()!);
        var all = string.Join("\n", lines);

        Assert.False(seen.ContainsKey("error"), all);
        Assert.Equal("처음 질문만 답합니다: 처음", seen["first-question"].GetProperty("answer").GetString());
        // After Off/OffAny: "say" has no handler left (the once one fired), one catch-all, no "question" handler.
        Assert.Equal(0, seen["off"].GetProperty("say").GetInt32());
        Assert.Equal(1, seen["off"].GetProperty("any").GetInt32());
        Assert.Equal(0, seen["off"].GetProperty("question").GetInt32());
        Assert.False(seen["report"].GetProperty("secondAnswered").GetBoolean());
        Assert.Equal(
        [
            "first say", "any say", "on 하나", "once 하나",          // PrependAny runs before OnAny; Once fires once
            "first say", "any say", "on 둘",
            "first question", "any question",
            "first question", "any question",                        // the once handler is gone: no answer
            "first stop-listening", "any stop-listening",
            "first say",                                              // Off and OffAny removed the kept lambdas
            "first report",
        ], seen["report"].GetProperty("seen").EnumerateArray().Select(e => e.GetString()!));

        await server.WaitForText("disconnect client namespace disconnect");
        Assert.Equal(["once disconnect client namespace disconnect", "disconnect client namespace disconnect"], server.Lines);
    }
}
