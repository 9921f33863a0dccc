using System.Text.Json;
using Realtime.Testing;

namespace Realtime.SocketIO.AdminUI.Tests;

/// <summary>
/// What the official dashboard receives and may do, checked with the official socket.io-client connected to the admin
/// namespace exactly as the dashboard's page connects (npm @socket.io/admin-ui 0.5.1 is the reference).
/// </summary>
public sealed class AdminProtocolTests
{
    // A bcrypt hash of "changeit", cost 4 so the test spends little time hashing (use 10 or more in an app).
    private static readonly string PasswordHash = BCrypt.Net.BCrypt.HashPassword("changeit", workFactor: 4);

    [Fact]
    public async Task Sign_in_needs_the_password_and_the_session_it_gives_lets_the_dashboard_back_in()
    {
        await using var host = await AdminHost.StartAsync(o => o.Auth = SocketIOAdminAuth.Basic("admin", PasswordHash));

        await using var wrong = await NodeClient.StartAsync(host.Url("/admin"), new { username = "admin", password = "guess" });
        Assert.Equal("invalid credentials", wrong.ConnectError);
        await using var none = await NodeClient.StartAsync(host.Url("/admin"));
        Assert.Equal("invalid credentials", none.ConnectError);

        await using var dashboard = await NodeClient.StartAsync(host.Url("/admin"), new { username = "admin", password = "changeit" });
        Assert.NotNull(dashboard.SocketId);
        var sessionId = (await dashboard.EventAsync("session"))[0].GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", sessionId);

        // The page keeps the session id and reconnects with it alone.
        await using var again = await NodeClient.StartAsync(host.Url("/admin"), new { sessionId });
        Assert.NotNull(again.SocketId);
        await using var forged = await NodeClient.StartAsync(host.Url("/admin"), new { sessionId = new string('0', 32) });
        Assert.Equal("invalid credentials", forged.ConnectError);

        Assert.Contains(host.Log.Lines, l => l.Contains("admin sign-in refused", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Log.Lines, l => l.Contains("changeit", StringComparison.Ordinal) || l.Contains("guess", StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_development_the_dashboard_sees_sockets_rooms_and_events_as_they_happen()
    {
        await using var host = await AdminHost.StartAsync(o => o.Auth = SocketIOAdminAuth.Disabled);
        await using var early = await NodeClient.StartAsync(host.Url("/"));          // connected before the dashboard
        await using var dashboard = await NodeClient.StartAsync(host.Url("/admin"));

        var config = (await dashboard.EventAsync("config"))[0];
        Assert.Equal("""{"supportedFeatures":["EMIT","JOIN","LEAVE","DISCONNECT","MJOIN","MLEAVE","MDISCONNECT","AGGREGATED_EVENTS","ALL_EVENTS"]}""", config.GetRawText());
        var all = (await dashboard.EventAsync("all_sockets"))[0];
        var known = all.EnumerateArray().Single(s => s.GetProperty("id").GetString() == early.SocketId);
        Assert.Equal("/", known.GetProperty("nsp").GetString());
        Assert.Equal("websocket", known.GetProperty("transport").GetString());
        Assert.Equal($"""["{early.SocketId}"]""", known.GetProperty("rooms").GetRawText());
        Assert.Equal("127.0.0.1", known.GetProperty("handshake").GetProperty("address").GetString());
        Assert.Equal(6, known.GetProperty("clientId").GetString()!.Length); // the session id's first characters, never all of it

        // A page connects, joins a room, chats, leaves: each step reaches the dashboard at once.
        await using var page = await NodeClient.StartAsync(host.Url("/"));
        var connected = await dashboard.EventAsync("socket_connected", s => s[0].GetProperty("id").GetString() == page.SocketId);
        Assert.Equal("/", connected[0].GetProperty("nsp").GetString());
        await page.EmitAsync("join", "고양이방");
        await dashboard.EventAsync("room_joined", r => r[2].GetString() == page.SocketId && r[1].GetString() == "고양이방");
        await page.EmitAsync("chat", "안녕하세요");
        var received = await dashboard.EventAsync("event_received", e => e[1].GetString() == page.SocketId && e[2][0].GetString() == "chat");
        Assert.Equal("/", received[0].GetString());
        Assert.Equal("""["chat","안녕하세요"]""", received[2].GetRawText());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", received[3].GetString());
        host.IO.Sockets.Sockets[page.SocketId!].Emit("news", new { title = "새 소식" });
        var sent = await dashboard.EventAsync("event_sent", e => e[1].GetString() == page.SocketId && e[2][0].GetString() == "news");
        Assert.Equal("""["news",{"title":"새 소식"}]""", sent[2].GetRawText());

        await page.DisposeAsync();
        var gone = await dashboard.EventAsync("socket_disconnected", d => d[1].GetString() == page.SocketId);
        Assert.Equal("client namespace disconnect", gone[2].GetString());
        await dashboard.EventAsync("room_left", r => r[2].GetString() == page.SocketId && r[1].GetString() == "고양이방");

        // The figures: namespaces with their sockets, engine sessions, and what was counted since the last ones.
        var stats = (await dashboard.EventAsync("server_stats", s => s[0].GetProperty("aggregatedEvents").EnumerateArray()
            .Any(e => e.GetProperty("type").GetString() == "rawDisconnection")))[0];
        Assert.Equal(Environment.MachineName, stats.GetProperty("serverId").GetString());
        Assert.Equal(Environment.ProcessId, stats.GetProperty("pid").GetInt32());
        var namespaces = stats.GetProperty("namespaces").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("socketsCount").GetInt32());
        Assert.Equal(1, namespaces["/admin"]);
        Assert.Contains("/", namespaces.Keys);
    }

    [Fact]
    public async Task The_dashboards_commands_emit_join_leave_and_disconnect_act_on_the_apps_sockets()
    {
        await using var host = await AdminHost.StartAsync(o => o.Auth = SocketIOAdminAuth.Disabled);
        await using var page = await NodeClient.StartAsync(host.Url("/"));
        await using var dashboard = await NodeClient.StartAsync(host.Url("/admin"));
        await dashboard.EventAsync("config");
        var socket = host.IO.Sockets.Sockets[page.SocketId!];

        await dashboard.EmitAsync("emit", "/", "", "공지", "서버 점검 10분 전");
        Assert.Equal("""["서버 점검 10분 전"]""", (await page.EventAsync("공지")).GetRawText());

        await dashboard.EmitAsync("join", "/", "vip", page.SocketId);              // the filter: this socket only
        await dashboard.EventAsync("room_joined", r => r[1].GetString() == "vip");
        Assert.Contains("vip", socket.Rooms);
        await dashboard.EmitAsync("emit", "/", "vip", "혜택", 1);                 // to a room
        await page.EventAsync("혜택");
        await dashboard.EmitAsync("leave", "/", "vip", "");
        await dashboard.EventAsync("room_left", r => r[1].GetString() == "vip");
        Assert.DoesNotContain("vip", socket.Rooms);

        // Commands never create a namespace.
        await dashboard.EmitAsync("join", "/nowhere", "x", "");
        await dashboard.EmitAsync("_disconnect", "/", false, "");
        await page.DisconnectedAsync();
        Assert.Contains("""{"disconnect":"io server disconnect"}""", page.Output.Lines);
        Assert.DoesNotContain(host.IO.Namespaces, n => n.Name == "/nowhere");
    }

    [Fact]
    public async Task Read_only_production_mode_sends_only_the_figures_and_obeys_no_command()
    {
        await using var host = await AdminHost.StartAsync(o =>
        {
            o.Auth = SocketIOAdminAuth.Disabled;
            o.ReadOnly = true;
            o.Mode = SocketIOAdminMode.Production;
            o.StatsInterval = TimeSpan.FromMilliseconds(100);
        });
        await using var dashboard = await NodeClient.StartAsync(host.Url("/admin"));
        Assert.Equal("""{"supportedFeatures":["AGGREGATED_EVENTS"]}""", (await dashboard.EventAsync("config"))[0].GetRawText());

        await using var page = await NodeClient.StartAsync(host.Url("/"));
        await dashboard.EmitAsync("emit", "/", "", "공지", "무시됩니다");
        await page.EmitAsync("chat", "hello");
        // The next figures come after all of that was handled: by then nothing but figures reached the dashboard,
        // and the page got no announcement.
        var statsSoFar = dashboard.Events("server_stats").Count;
        await dashboard.EventAsync("server_stats", statsSoFar + 3);
        Assert.All(dashboard.Output.Lines.Where(l => l.StartsWith("{\"event\"", StringComparison.Ordinal)),
            l => Assert.Matches("^\\{\"event\":\"(config|server_stats)\"", l));
        Assert.Empty(page.Events("공지"));
    }

    [Fact]
    public async Task Without_a_sign_in_a_page_of_another_origin_cannot_drive_the_dashboard()
    {
        // A hostile page opened in a browser that can reach the server would otherwise read every socket's headers
        // (cookies) and disconnect or emit to them: an open dashboard answers its own origin only.
        await using var host = await AdminHost.StartAsync(); // Development: no sign-in
        await using var foreign = await NodeClient.StartAsync(host.Url("/admin"), headers: new { origin = "http://evil.example" });
        Assert.Equal("this dashboard has no sign-in: it answers pages of its own origin only", foreign.ConnectError);
        Assert.Contains("[log] Socket.IO admin dashboard (no sign-in) refused a page of origin http://evil.example", host.Log.Lines);

        await using var ownPage = await NodeClient.StartAsync(host.Url("/admin"), headers: new { origin = host.BaseAddress.GetLeftPart(UriPartial.Authority) });
        Assert.NotNull(ownPage.SocketId);
        await ownPage.EventAsync("config");
    }

    [Fact]
    public async Task Outside_Development_it_refuses_to_start_without_a_sign_in()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => AdminHost.StartAsync(environment: "Production"));
        Assert.Contains("needs a sign-in outside Development (environment: Production)", refused.Message);

        var plain = Assert.Throws<ArgumentException>(() => SocketIOAdminAuth.Basic("admin", "changeit"));
        Assert.Contains("must be a bcrypt hash", plain.Message);

        // In Development it runs open, and says so; open anywhere else must be asked for, and is warned about.
        await using (var host = await AdminHost.StartAsync())
        {
            Assert.Contains("[log] Socket.IO admin namespace /admin: sign-in disabled, mode Development, read-only False", host.Log.Lines);
            Assert.DoesNotContain(host.Log.Lines, l => l.Contains("warn:", StringComparison.Ordinal));
        }
        await using var openOnPurpose = await AdminHost.StartAsync(o => o.Auth = SocketIOAdminAuth.Disabled, environment: "Production");
        Assert.Contains(openOnPurpose.Log.Lines, l => l.StartsWith("[log] warn: The Socket.IO admin dashboard has no sign-in", StringComparison.Ordinal));
        Assert.Contains("[log] Socket.IO admin namespace /admin: sign-in disabled, mode Production, read-only False", openOnPurpose.Log.Lines);
    }
}
