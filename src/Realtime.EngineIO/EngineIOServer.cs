using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Realtime.EngineIO;

/// <summary>An Engine.IO v4 server (Node's engine.io <c>Server</c>): sessions over HTTP long-polling and WebSocket.</summary>
public sealed class EngineIOServer : IAsyncDisposable
{
    /// <summary>Creates a server; MapEngineIO does this for you.</summary>
    public EngineIOServer(EngineIOServerOptions options, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
    {
        Options = options;
        _ = loggerFactory;
        _ = timeProvider;
    }

    /// <summary>The options.</summary>
    public EngineIOServerOptions Options { get; }

    /// <summary>Raised after the handshake packet is queued, before any client message is processed.</summary>
    public event Action<EngineIOSocket>? Connection;

    /// <summary>The number of open sessions.</summary>
    public int ClientsCount => throw new NotImplementedException();

    /// <summary>The open sessions.</summary>
    public IReadOnlyCollection<EngineIOSocket> Clients => throw new NotImplementedException();

    /// <summary>Diagnostics for tests: live timers (ping, ping timeout, upgrade). 0 when idle.</summary>
    public int ActiveTimers => throw new NotImplementedException();

    /// <summary>Handles one HTTP request under the path (polling GET/POST, OPTIONS preflight, WebSocket upgrade).</summary>
    public Task HandleRequestAsync(HttpContext context) { Connection?.Invoke(null!); throw new NotImplementedException(); }

    /// <summary>Closes every session ("server shutting down").</summary>
    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
