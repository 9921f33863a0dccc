using System.Text.Json;
using Microsoft.Extensions.Logging;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO;

// Per-packet middleware (Node's socket.use, run and dispatch in socket.ts): each incoming EVENT goes through the
// middleware in registration order before its handlers. A refusal raises the reserved "error" event on this
// server-side socket; nothing is sent to the client unless the application's "error" handler sends it.
public sealed partial class SocketIOSocket
{
    private Func<SocketIOEventPacket, Func<Task>, Task>[] _packetMiddleware = [];

    /// <summary>
    /// Adds a middleware run for each incoming event before its handlers (Node's <c>socket.use</c>), after the
    /// <c>OnAny</c> handlers: <c>socket.Use(async (packet, next) =&gt; { …; await next(); })</c>. It can read the
    /// packet, rename it or replace its arguments (<see cref="SocketIOEventPacket"/>), or refuse it:
    /// <list type="bullet">
    /// <item>throw (Node's <c>next(err)</c>): the handlers do not run, and the reserved <c>"error"</c> event is raised
    /// on this socket with the exception: <c>socket.On("error", (Exception e) =&gt; socket.Emit("refused", e.Message))</c>.
    /// The client hears nothing unless such a handler tells it; with no handler the refusal is only logged (Debug).</item>
    /// <item>return without calling <c>next</c>: the event is dropped silently (as in Node).</item>
    /// </list>
    /// A refused event's acknowledgement is never answered, unless a middleware calls <see cref="SocketIOEventPacket.Ack"/>.
    /// A middleware that completes synchronously (<c>(packet, next) =&gt; { …; return next(); }</c>) keeps the events in
    /// order; an asynchronous one lets later events overtake the one it holds, as in Node.
    /// </summary>
    /// <example><code>
    /// socket.Use((packet, next) =&gt;
    /// {
    ///     if (packet.Event == "chat" &amp;&amp; !socket.Data.ContainsKey("user"))
    ///         throw new InvalidOperationException("Sign in first");   // refused: the "chat" handlers do not run
    ///     return next();
    /// });
    /// socket.On("error", (Exception e) =&gt; socket.Emit("refused", e.Message));
    /// </code></example>
    public SocketIOSocket Use(Func<SocketIOEventPacket, Func<Task>, Task> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_gate) _packetMiddleware = [.. _packetMiddleware, middleware];
        return this;
    }

    /// <summary>Adds a packet middleware that refuses by throwing and lets the event through by returning.</summary>
    public SocketIOSocket Use(Func<SocketIOEventPacket, Task> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        return Use(async (packet, next) => { await middleware(packet).ConfigureAwait(false); await next().ConfigureAwait(false); });
    }

    private void RunPacketMiddleware(SocketIOArgs args)
    {
        var packet = new SocketIOEventPacket(args, Server.Options.JsonSerializerOptions);
        var middleware = _packetMiddleware;
        var passed = false;
        Task Next(int i)
        {
            if (i == middleware.Length) { passed = true; return Task.CompletedTask; }
            var called = false;
            return middleware[i](packet, () =>
            {
                if (called) return Task.CompletedTask;   // next() called twice: the second call does nothing
                called = true;
                return Next(i + 1);
            }) ?? Task.CompletedTask;
        }

        Task chain;
        try
        {
            chain = Next(0);
        }
        catch (Exception e)
        {
            chain = Task.FromException(e);
        }
        if (chain.IsCompleted)
        {
            AfterPacketMiddleware(chain, packet, passed);   // synchronous middleware: right now, in arrival order
            return;
        }
        _ = AfterPacketMiddlewareAsync(chain, packet, () => passed);
    }

    private async Task AfterPacketMiddlewareAsync(Task chain, SocketIOEventPacket packet, Func<bool> passed)
    {
        // Always yield to the thread pool: the middleware's task may be completed by a thread that holds another
        // connection's dispatch (or this one's), and continuing inline there could nest handlers or deadlock.
        // Failures are observed here; AfterPacketMiddleware reads them from the task.
        await chain.ConfigureAwait(ConfigureAwaitOptions.ForceYielding | ConfigureAwaitOptions.SuppressThrowing);
        // Back on the connection's dispatch, so that handlers still run one at a time per connection.
        Connection.Engine.RunAsDispatch(static s => s.Socket.AfterPacketMiddleware(s.Chain, s.Packet, s.Passed),
            (Socket: this, Chain: chain, Packet: packet, Passed: passed()));
    }

    private void AfterPacketMiddleware(Task chain, SocketIOEventPacket packet, bool passed)
    {
        if (!chain.IsCompletedSuccessfully)
        {
            RaiseError(chain.Exception?.InnerException ?? new OperationCanceledException("A packet middleware was canceled."), packet.Event);
            return;
        }
        // Node ignores an event whose middleware finished after the socket disconnected.
        if (passed && _connected) Dispatch(packet.Args);
    }

    /// <summary>Raises the reserved "error" event (Node's <c>_onerror</c>) with <paramref name="error"/>.</summary>
    private void RaiseError(Exception error, string eventName)
    {
        Listener[]? handlers;
        lock (_gate) _handlers.TryGetValue("error", out handlers);
        if (handlers is null)
        {
            // Node adds a do-nothing "error" listener to every socket: the refusal vanishes. Here it leaves a Debug line.
            if (Connection.ClientLog.Allows(LogLevel.Debug)) Log.PacketRefused(Server.Logger, Id, ClientLog.Clip(eventName), ClientLog.Clip(error.Message));
            return;
        }
        var payload = JsonSerializer.SerializeToElement(new[] { error.Message }, SocketIOJson.Options);
        var args = new SocketIOArgs("error", payload, 0, null, null, Server.Options.JsonSerializerOptions) { Error = error };
        foreach (var handler in handlers) RunListener(handler, args);
    }
}
