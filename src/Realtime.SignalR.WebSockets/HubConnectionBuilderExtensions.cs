using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Realtime.SignalR.WebSockets;

/// <summary><c>WithWebSocketUrl</c>: the stand-in for the official client's <c>WithUrl</c> (see <see cref="WebSocketConnectionFactory"/>).</summary>
public static class HubConnectionBuilderExtensions
{
    /// <summary>
    /// Connects the hub connection straight over WebSocket to <paramref name="url"/> (no negotiate request):
    /// <code>
    /// var connection = new HubConnectionBuilder()
    ///     .WithWebSocketUrl(new Uri("ws://localhost:8006/news"))
    ///     .WithAutomaticReconnect()
    ///     .Build();
    /// </code>
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="url">The hub's URL: ws://, wss://, or the page's http:// / https:// address (converted).</param>
    /// <param name="configure">Adjusts each socket's options (request headers, cookies, keep-alive) before it connects.</param>
    public static IHubConnectionBuilder WithWebSocketUrl(this IHubConnectionBuilder builder, Uri url, Action<ClientWebSocketOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(url);
        // HubConnectionBuilder.Build() looks for exactly these two services.
        builder.Services.AddSingleton<EndPoint>(new UriEndPoint(WebSocketConnectionFactory.ToWebSocketUrl(url)));
        builder.Services.AddSingleton<IConnectionFactory>(services =>
            new WebSocketConnectionFactory(configure, services.GetService<ILoggerFactory>()));
        return builder;
    }

    /// <inheritdoc cref="WithWebSocketUrl(IHubConnectionBuilder, Uri, Action{ClientWebSocketOptions}?)"/>
    public static IHubConnectionBuilder WithWebSocketUrl(this IHubConnectionBuilder builder, string url, Action<ClientWebSocketOptions>? configure = null) =>
        builder.WithWebSocketUrl(new Uri(url, UriKind.Absolute), configure);
}
