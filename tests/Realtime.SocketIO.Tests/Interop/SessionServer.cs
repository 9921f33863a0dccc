using Realtime.Testing;

namespace Realtime.SocketIO.Tests.Interop;

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
