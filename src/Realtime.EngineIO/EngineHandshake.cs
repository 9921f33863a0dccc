using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Realtime.EngineIO;

/// <summary>The information of the request that opened the session (Socket.IO's <c>socket.handshake</c>).</summary>
public sealed class EngineHandshake
{
    internal EngineHandshake(HttpContext context, DateTimeOffset time)
    {
        // Compact read-only copies: a session keeps them as long as it lives (see HandshakeValues).
        Headers = HandshakeValues.CopyOf(context.Request.Headers);
        Query = HandshakeValues.CopyOf(context.Request.Query);
        RemoteIpAddress = context.Connection.RemoteIpAddress;
        RemotePort = context.Connection.RemotePort;
        Url = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        Secure = context.Request.IsHttps;
        Time = time;
        User = context.User;
    }

    /// <summary>The request headers (a read-only copy, safe after the request ended; names are case-insensitive).</summary>
    public IHeaderDictionary Headers { get; }

    /// <summary>The query string (a read-only copy; names are case-sensitive, as in Node).</summary>
    public IQueryCollection Query { get; }

    /// <summary>The client's address.</summary>
    public IPAddress? RemoteIpAddress { get; }

    /// <summary>The client's port.</summary>
    public int RemotePort { get; }

    /// <summary>Path and query string as received.</summary>
    public string Url { get; }

    /// <summary>True over HTTPS.</summary>
    public bool Secure { get; }

    /// <summary>When the session opened.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>Not kept (always null): the request's features do not outlive the request.</summary>
    public IFeatureCollection? Features => null;

    /// <summary>HttpContext.User of the opening request (authentication middleware ran before).</summary>
    public ClaimsPrincipal? User { get; }
}
