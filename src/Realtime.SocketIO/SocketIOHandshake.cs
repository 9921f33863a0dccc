using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Realtime.EngineIO;

namespace Realtime.SocketIO;

/// <summary>
/// What the client sent when it connected (Node's <c>socket.handshake</c>): the headers and query of the request that
/// opened the Engine.IO session, and the auth object of the namespace CONNECT.
/// </summary>
public sealed class SocketIOHandshake
{
    internal SocketIOHandshake(EngineHandshake engine, JsonElement auth, TimeProvider time)
    {
        Headers = engine.Headers;
        Query = engine.Query;
        Address = engine.RemoteIpAddress?.ToString() ?? "";
        XDomain = !string.IsNullOrEmpty(engine.Headers.Origin);
        Secure = engine.Secure;
        Url = engine.Url;
        User = engine.User;
        Auth = auth;
        Time = time.GetUtcNow();
        Issued = Time.ToUnixTimeMilliseconds();
    }

    /// <summary>
    /// A handshake described by another server of the cluster (multi-server adapters build these for remote sockets);
    /// it has no <see cref="User"/>.
    /// </summary>
    public SocketIOHandshake(IHeaderDictionary headers, IQueryCollection query, JsonElement auth, string address,
        DateTimeOffset time, long issued, bool xDomain, bool secure, string url)
    {
        Headers = headers;
        Query = query;
        Auth = auth;
        Address = address;
        Time = time;
        Issued = issued;
        XDomain = xDomain;
        Secure = secure;
        Url = url;
    }

    /// <summary>The request headers (<c>socket.handshake.headers</c>).</summary>
    public IHeaderDictionary Headers { get; }

    /// <summary>The query string, Engine.IO's <c>EIO</c>, <c>transport</c> and <c>t</c> included, as in Node.</summary>
    public IQueryCollection Query { get; }

    /// <summary>The auth object the client sent with the namespace CONNECT (<c>io({ auth: {...} })</c>); <c>{}</c> when none.</summary>
    public JsonElement Auth { get; }

    /// <summary>The client's IP address (<c>127.0.0.1</c>; Node writes IPv4 as <c>::ffff:127.0.0.1</c>).</summary>
    public string Address { get; }

    /// <summary>When the socket was created. Node gives a string (<c>new Date() + ""</c>); this is the same instant as a value.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>When the socket was created, in milliseconds since 1970 (Node's <c>issued</c>).</summary>
    public long Issued { get; }

    /// <summary>True if the request had an Origin header (a cross-site request).</summary>
    public bool XDomain { get; }

    /// <summary>True over HTTPS.</summary>
    public bool Secure { get; }

    /// <summary>The path and query of the request that opened the session.</summary>
    public string Url { get; }

    /// <summary>The user of the request that opened the session (ASP.NET Core authentication ran before), if any.</summary>
    public ClaimsPrincipal? User { get; }

    /// <summary>Reads the auth object as <typeparamref name="T"/> (web defaults: camelCase, case-insensitive).</summary>
    public T? AuthAs<T>() => Auth.Deserialize<T>(Protocol.SocketIOJson.Options);
}
