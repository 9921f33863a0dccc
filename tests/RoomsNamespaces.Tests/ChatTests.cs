extern alias chat;

using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Realtime.Testing;

namespace RoomsNamespaces.Tests;

/// <summary>
/// Post 003's chat (RoomsNamespaces.Chat) with three people on the official Node <c>socket.io-client</c>: join, chat
/// and leave reach everyone, the sender included (io.emit), and leave ends the leaver's connection.
/// </summary>
public sealed class ChatTests
{
    [Fact]
    public async Task Join_chat_and_leave_reach_everyone_and_leave_disconnects_the_leaver()
    {
        await using var app = await StartAsync();
        var scrubber = Scrubber.Default();
        scrubber.Id(app.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "port");

        // One at a time, so the server log lists them in order.
        var people = new List<NodeChatClient>();
        foreach (var name in new[] { "상민", "지민", "수아" })
        {
            var person = NodeChatClient.Start(app.BaseAddress, name);
            people.Add(person);
            await person.WaitForLine("connect");
            await app.Log.WaitForText("Socket Connected", count: people.Count);
        }
        var (sangmin, jimin, sua) = (people[0], people[1], people[2]);
        try
        {
            // Each join goes to everyone, the joiner included; the next person joins once all have seen it.
            foreach (var person in people)
            {
                await person.SendAsync("join");
                foreach (var other in people) await other.WaitForLine($"screen {person.Name} 님이 입장하셨습니다.");
                await person.WaitForLine("answer join {\"ok\":true}");
            }

            // A message is data, not markup: it travels and is printed as the characters typed.
            await sangmin.SendAsync("chat <b>hi</b>");
            foreach (var person in people) await person.WaitForLine("screen 상민 : <b>hi</b>");
            await sangmin.WaitForLine("answer chat {\"ok\":true}");

            // Refused input reaches nobody; the sender gets the reason in its ack.
            await sua.SendAsync("join-as ");
            await sua.WaitForLine("answer join {\"error\":\"이름을 입력하세요.\"}");
            await sua.SendAsync("chat ");
            await sua.WaitForLine("answer chat {\"error\":\"메시지를 입력하세요.\"}");

            // leave: everyone (지민 too) is told, then the server ends 지민's connection.
            await jimin.SendAsync("leave");
            foreach (var person in people) await person.WaitForLine("screen 지민 님이 퇴장하셨습니다.");
            await jimin.WaitForLine("disconnect io server disconnect");
            await app.Log.WaitForText("Socket Disconnected");

            // The two left keep chatting; 지민's client stays disconnected (no automatic reconnection after a
            // server-side disconnect), so it prints nothing more.
            await sua.SendAsync("chat 잘 가요");
            await sangmin.WaitForLine("screen 수아 : 잘 가요");
            await sua.WaitForLine("answer chat {\"ok\":true}");

            var transcript = new Transcript();
            foreach (var person in people)
            {
                transcript.Section($"{person.Name}'s Node client (screen = what the room page renders, answer = the ack)");
                foreach (var line in person.Output.Lines) transcript.Add(line);
            }
            transcript.Section("server log");
            foreach (var line in app.Log.Lines) transcript.Add(line);
            Snapshot.Match(transcript.ToString(), scrubber);
        }
        finally
        {
            foreach (var person in people) await person.DisposeAsync();
        }
    }

    [Fact]
    public async Task Home_links_to_the_room_and_both_pages_are_served()
    {
        await using var app = await StartAsync();
        using var http = app.CreateClient();

        var home = await http.GetStringAsync("/");
        Assert.Contains("<a class=\"enter\" href=\"room\">방으로 이동</a>", home);
        var room = await http.GetAsync("/room");
        Assert.Equal("text/html; charset=utf-8", room.Content.Headers.ContentType?.ToString());
        Assert.Contains("<script src=\"/socket.io/socket.io.js\"></script>", await room.Content.ReadAsStringAsync());
        var bundle = await http.GetAsync("/socket.io/socket.io.js");
        Assert.True(bundle.IsSuccessStatusCode);
        await app.Log.WaitForText($"Server is connected on {app.BaseAddress.Port}");
    }

    // The real app on a free port; the library's informational lines are left out of the log, its warnings kept.
    internal static Task<RunningApp<chat::Program>> StartAsync() =>
        RunningApp<chat::Program>.StartAsync(configure: web => web.ConfigureLogging(logging => logging.AddFilter("Realtime", LogLevel.Warning)));
}
