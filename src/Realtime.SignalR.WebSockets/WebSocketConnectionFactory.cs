// Why this library exists: the official C# SignalR client package, Microsoft.AspNetCore.SignalR.Client, cannot be
// restored from this workshop's package registry (its dependency Microsoft.AspNetCore.Http.Connections.Client is
// missing in every version). What it adds over Microsoft.AspNetCore.SignalR.Client.Core is only the transport layer
// (negotiate, WebSockets, Server-Sent Events, long polling) and `WithUrl`. Client.Core itself (HubConnection,
// HubConnectionBuilder, the JSON protocol, invocations, automatic reconnect) restores fine and asks for just one
// thing: an IConnectionFactory that opens a ConnectionContext (a duplex pipe of bytes) to an EndPoint.
//
// This factory opens a plain ClientWebSocket straight to the hub's URL (ws://host/hub), skipping the negotiate
// request, like the JavaScript client's `{ skipNegotiation: true, transport: HttpTransportType.WebSockets }`.
// ASP.NET Core's SignalR server accepts such a WebSocket without negotiation.
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Realtime.SignalR.WebSockets;

/// <summary>
/// Opens SignalR connections over a <see cref="ClientWebSocket"/>, without the negotiate request.
/// Each call opens a new WebSocket, so <c>WithAutomaticReconnect()</c> works: the <c>HubConnection</c> calls
/// <see cref="ConnectAsync"/> again for every reconnect attempt.
/// </summary>
public sealed class WebSocketConnectionFactory : IConnectionFactory
{
    private readonly Action<ClientWebSocketOptions>? _configure;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    /// <param name="configure">Adjusts each socket's options (headers, cookies, proxy, keep-alive) before it connects.</param>
    /// <param name="loggerFactory">Where the connection's events are logged (category <c>Realtime.SignalR.WebSockets</c>).</param>
    public WebSocketConnectionFactory(Action<ClientWebSocketOptions>? configure = null, ILoggerFactory? loggerFactory = null)
    {
        _configure = configure;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<WebSocketConnectionFactory>();
    }

    /// <summary>How long closing waits for the server's close frame before aborting the socket. Default 5 s.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Connects to <paramref name="endpoint"/>, a <see cref="UriEndPoint"/> with a ws://, wss://, http:// or https:// URL.</summary>
    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not UriEndPoint { Uri: var url })
        {
            throw new NotSupportedException($"{nameof(WebSocketConnectionFactory)} connects to a {nameof(UriEndPoint)}, not to a {endpoint.GetType().Name}.");
        }
        url = ToWebSocketUrl(url);

        var socket = new ClientWebSocket();
        _configure?.Invoke(socket.Options);
        Log.Connecting(_logger, url);
        try
        {
            await socket.ConnectAsync(url, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        Log.Connected(_logger, url);
        return WebSocketConnection.Start(socket, CloseTimeout, _loggerFactory.CreateLogger<WebSocketConnection>());
    }

    /// <summary>http → ws and https → wss, so the page's address can be used as it is.</summary>
    public static Uri ToWebSocketUrl(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException($"The hub URL must be absolute, e.g. ws://localhost:8006/news (got \"{url}\").", nameof(url));
        }
        var scheme = url.Scheme switch
        {
            "ws" or "http" => "ws",
            "wss" or "https" => "wss",
            _ => throw new ArgumentException($"The hub URL must use ws, wss, http or https (got \"{url.Scheme}\").", nameof(url)),
        };
        return scheme == url.Scheme ? url : new UriBuilder(url) { Scheme = scheme, Port = url.Port }.Uri;
    }
}
