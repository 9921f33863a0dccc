// The server the published Engine.IO / Socket.IO protocol test suites expect (PROTOCOL.md, "Conformance host"),
// on one port: dotnet run --project tests/ConformanceHost -c Release -- --urls http://127.0.0.1:3000
using ConformanceHost;
using Realtime.EngineIO;

var builder = WebApplication.CreateBuilder(args);

// ---- Engine.IO: a bare endpoint at /engine.io/ that echoes every message, text or binary, to its sender.
// (Registered in DI so tests can reach the server: app.Services.GetRequiredService<EngineIOServer>().)
// The suites' heartbeat is 300/200 ms; tests that are not about the heartbeat lengthen it through configuration.
builder.Services.AddEngineIO(options =>
{
    options.PingInterval = TimeSpan.FromMilliseconds(builder.Configuration.GetValue("EngineIO:PingIntervalMs", 300));
    options.PingTimeout = TimeSpan.FromMilliseconds(builder.Configuration.GetValue("EngineIO:PingTimeoutMs", 200));
    options.MaxHttpBufferSize = 1_000_000;
    options.Cors = EngineCorsOptions.AnyOrigin();
});

// ---- Socket.IO: /socket.io/ with the suites' options (its own EngineIOServer; the echo endpoint's options are separate).
builder.Services.AddSocketIO(ConformanceSocketIO.ConfigureOptions);

var app = builder.Build();

var engine = app.MapEngineIO("/engine.io").Server;
engine.Connection += socket => socket.Message += (sender, message) => sender.Send(message);

// ---- Socket.IO: "auth" on connection, "message" → "message-back", "message-with-ack" → ack, /custom, nothing else.
ConformanceSocketIO.Configure(app.MapSocketIO("/socket.io").Server);

app.Run();
