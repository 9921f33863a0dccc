namespace GifChat;

/// <summary>
/// The book's <c>io.use((socket, next) =&gt; sessionMiddleware(socket.request, {}, next))</c> in ASP.NET Core terms.
/// <para>
/// A Socket.IO connection is made of HTTP requests (polling) and a WebSocket upgrade, and the browser sends the
/// session cookie with each, like with any request to the site. The HTTP requests that carry a socket's packets are
/// finished long before the socket stops talking, so their <c>HttpContext.Session</c> cannot be kept. Instead this
/// runs ASP.NET Core's own session middleware on a small request made of the handshake's <c>Cookie</c> header, and
/// reads the session it loads: the same colour and admitted rooms the pages see, fresh each time it is asked.
/// </para>
/// </summary>
public sealed class SocketSession
{
    private const string Loaded = "gifchat.visitor";
    private readonly RequestDelegate _sessionPipeline;
    private readonly IServiceProvider _services;

    public SocketSession(IApplicationBuilder app)
    {
        _services = app.ApplicationServices;
        var pipeline = app.New();          // a separate pipeline: the session middleware, then "read the session"
        pipeline.UseSession();
        pipeline.Run(async context =>
        {
            await context.Session.LoadAsync(context.RequestAborted);
            context.Items[Loaded] = Visitor.From(context.Session);
        });
        _sessionPipeline = pipeline.Build();
    }

    /// <summary>The visitor whose session cookie is in <paramref name="cookieHeader"/>; null without a colour (no session).</summary>
    public async Task<Visitor?> ReadAsync(string? cookieHeader, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(cookieHeader))
        {
            return null;
        }
        var context = new DefaultHttpContext { RequestServices = _services, RequestAborted = ct };
        context.Request.Headers.Cookie = cookieHeader;
        await _sessionPipeline(context);
        return context.Items[Loaded] is Visitor { Color: not null } visitor ? visitor : null;
    }
}
