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
        var headers = new HeaderDictionary();
        foreach (var (key, value) in context.Request.Headers) headers[key] = value;
        Headers = headers;
        Query = new QueryCollection(context.Request.Query.ToDictionary(q => q.Key, q => q.Value));
        RemoteIpAddress = context.Connection.RemoteIpAddress;
        RemotePort = context.Connection.RemotePort;
        Url = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        Secure = context.Request.IsHttps;
        Time = time;
        Features = null;
        User = context.User;
    }

    /// <summary>The request headers (a copy, safe after the request ended).</summary>
    public IHeaderDictionary Headers { get; }

    /// <summary>The query string (a copy).</summary>
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
    public IFeatureCollection? Features { get; }

    /// <summary>HttpContext.User of the opening request (authentication middleware ran before).</summary>
    public ClaimsPrincipal? User { get; }
}
