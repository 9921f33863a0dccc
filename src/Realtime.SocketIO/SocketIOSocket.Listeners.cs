namespace Realtime.SocketIO;

// The rest of an EventEmitter's listener API (Node's socket extends EventEmitter): Once, Off(event, handler),
// Listeners, PrependAny, OffAny(handler), ListenersAny.
//
// Removing a handler works as in Node and as C# events (-=): pass the same delegate instance that was registered.
// Keep a lambda in a variable to remove it later:
//     Action<string> onReply = text => …;
//     socket.On("reply", onReply);
//     socket.Off("reply", onReply);
public sealed partial class SocketIOSocket
{
    /// <summary>One handler of one event: the delegate as registered, and the same bound to <see cref="SocketIOArgs"/>.</summary>
    private sealed class Listener(string eventName, Delegate handler, Func<SocketIOArgs, Task?> invoke, bool once)
    {
        private int _fired;

        public string EventName => eventName;
        public Delegate Handler => handler;
        public Func<SocketIOArgs, Task?> Invoke => invoke;
        public bool Once => once;

        /// <summary>False for a <see cref="Once"/> listener that already ran (only the first event counts).</summary>
        public bool TryFire() => !once || Interlocked.Exchange(ref _fired, 1) == 0;
    }

    /// <summary>One <see cref="OnAny(Action{string, SocketIOArgs})"/> handler: as registered, and as it is called.</summary>
    private sealed record AnyListener(Delegate Handler, Func<string, SocketIOArgs, Task?> Invoke);

    // Each Once overload registers through the On overload of the same shape (which binds the arguments), flagged
    // "once" for the duration of that call on this thread: AddHandler reads the flag.
    [ThreadStatic] private static bool t_registeringOnce;

    private SocketIOSocket RegisterOnce(Func<SocketIOSocket> on)
    {
        t_registeringOnce = true;
        try
        {
            return on();
        }
        finally
        {
            t_registeringOnce = false;
        }
    }

    /// <summary>Runs a listener; a once listener is removed first, as Node's <c>once</c> wrapper does.</summary>
    private void RunListener(Listener listener, SocketIOArgs args)
    {
        if (!listener.TryFire()) return;
        if (listener.Once) RemoveListener(listener.EventName, l => ReferenceEquals(l, listener));
        RunHandler(listener.Invoke, args, args.Event);
    }

    /// <summary>Removes the last listener of <paramref name="eventName"/> that <paramref name="match"/> accepts (Node's removeListener).</summary>
    private void RemoveListener(string eventName, Func<Listener, bool> match)
    {
        lock (_gate)
        {
            if (!_handlers.TryGetValue(eventName, out var list)) return;
            var i = Array.FindLastIndex(list, l => match(l));
            if (i < 0) return;
            if (list.Length == 1) _handlers.Remove(eventName);
            else _handlers[eventName] = [.. list[..i], .. list[(i + 1)..]];
        }
    }

    // ---- once: the same shapes as On ----

    /// <summary>As <see cref="On(string, Action)"/>, for the next <paramref name="eventName"/> only (Node's <c>once</c>).</summary>
    public SocketIOSocket Once(string eventName, Action handler) => RegisterOnce(() => On(eventName, handler));

    /// <summary>As <see cref="On(string, Action{SocketIOArgs})"/>, for the next event only.</summary>
    public SocketIOSocket Once(string eventName, Action<SocketIOArgs> handler) => RegisterOnce(() => On(eventName, handler));

    /// <summary>As <see cref="On(string, Func{SocketIOArgs, Task})"/>, for the next event only.</summary>
    public SocketIOSocket Once(string eventName, Func<SocketIOArgs, Task> handler) => RegisterOnce(() => On(eventName, handler));

    /// <summary>As <see cref="On{T}(string, Action{T})"/>, for the next event only: <c>socket.Once("hello", (string name) =&gt; …)</c>.</summary>
    public SocketIOSocket Once<T>(string eventName, Action<T> handler) => RegisterOnce(() => On<T>(eventName, handler));

    /// <summary>As <see cref="On{T1, T2}(string, Action{T1, T2})"/>, for the next event only.</summary>
    public SocketIOSocket Once<T1, T2>(string eventName, Action<T1, T2> handler) => RegisterOnce(() => On<T1, T2>(eventName, handler));

    /// <summary>As <see cref="On{T1, T2, T3}(string, Action{T1, T2, T3})"/>, for the next event only.</summary>
    public SocketIOSocket Once<T1, T2, T3>(string eventName, Action<T1, T2, T3> handler) => RegisterOnce(() => On<T1, T2, T3>(eventName, handler));

    /// <summary>As <see cref="On{TResult}(string, Func{TResult})"/> (the return value answers the ack), for the next event only.</summary>
    public SocketIOSocket Once<TResult>(string eventName, Func<TResult> handler) => RegisterOnce(() => On<TResult>(eventName, handler));

    /// <summary>As <see cref="On{T, TResult}(string, Func{T, TResult})"/>, for the next event only.</summary>
    public SocketIOSocket Once<T, TResult>(string eventName, Func<T, TResult> handler) => RegisterOnce(() => On<T, TResult>(eventName, handler));

    /// <summary>As <see cref="On{T1, T2, TResult}(string, Func{T1, T2, TResult})"/>, for the next event only.</summary>
    public SocketIOSocket Once<T1, T2, TResult>(string eventName, Func<T1, T2, TResult> handler) => RegisterOnce(() => On<T1, T2, TResult>(eventName, handler));

    /// <summary>As <see cref="On(string, Action{SocketIOAck})"/>, for the next event only.</summary>
    public SocketIOSocket Once(string eventName, Action<SocketIOAck> handler) => RegisterOnce(() => On(eventName, handler));

    /// <summary>As <see cref="On{T}(string, Action{T, SocketIOAck})"/>, for the next event only.</summary>
    public SocketIOSocket Once<T>(string eventName, Action<T, SocketIOAck> handler) => RegisterOnce(() => On<T>(eventName, handler));

    /// <summary>As <see cref="On{T}(string, Func{T, SocketIOAck, Task})"/>, for the next event only.</summary>
    public SocketIOSocket Once<T>(string eventName, Func<T, SocketIOAck, Task> handler) => RegisterOnce(() => On<T>(eventName, handler));

    /// <summary>As <see cref="On{T1, T2}(string, Action{T1, T2, SocketIOAck})"/>, for the next event only.</summary>
    public SocketIOSocket Once<T1, T2>(string eventName, Action<T1, T2, SocketIOAck> handler) => RegisterOnce(() => On<T1, T2>(eventName, handler));

    // ---- off, listeners ----

    /// <summary>
    /// Removes <paramref name="handler"/> from <paramref name="eventName"/> (Node's <c>socket.off(event, listener)</c>):
    /// the same delegate instance given to <c>On</c> or <c>Once</c> (a lambda kept in a variable, or a method group).
    /// When it was added more than once, the last one added goes. Unknown handlers are ignored.
    /// </summary>
    public SocketIOSocket Off(string eventName, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        RemoveListener(eventName, l => l.Handler.Equals(handler));
        return this;
    }

    /// <summary>The handlers of <paramref name="eventName"/> as registered, in order (a snapshot; Node's <c>listeners(event)</c>).</summary>
    public IReadOnlyList<Delegate> Listeners(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        lock (_gate) return _handlers.TryGetValue(eventName, out var list) ? [.. list.Select(l => l.Handler)] : [];
    }

    // ---- catch-all listeners ----

    /// <summary>As <see cref="OnAny(Action{string, SocketIOArgs})"/>, but runs before the catch-all handlers already added (Node's <c>prependAny</c>).</summary>
    public SocketIOSocket PrependAny(Action<string, SocketIOArgs> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate) _anyHandlers = [new AnyListener(handler, (name, args) => { handler(name, args); return null; }), .. _anyHandlers];
        return this;
    }

    /// <summary>The async form of <see cref="PrependAny(Action{string, SocketIOArgs})"/>.</summary>
    public SocketIOSocket PrependAny(Func<string, SocketIOArgs, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate) _anyHandlers = [new AnyListener(handler, handler), .. _anyHandlers];
        return this;
    }

    /// <summary>
    /// Removes one catch-all <paramref name="handler"/>: the same delegate instance given to <c>OnAny</c> or
    /// <c>PrependAny</c> (Node's <c>offAny(listener)</c>; the first match goes). <see cref="OffAny()"/> removes them all.
    /// </summary>
    public SocketIOSocket OffAny(Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            var i = Array.FindIndex(_anyHandlers, l => l.Handler.Equals(handler));
            if (i >= 0) _anyHandlers = [.. _anyHandlers[..i], .. _anyHandlers[(i + 1)..]];
        }
        return this;
    }

    /// <summary>The catch-all handlers as registered, in the order they run (a snapshot; Node's <c>listenersAny()</c>).</summary>
    public IReadOnlyList<Delegate> ListenersAny()
    {
        lock (_gate) return [.. _anyHandlers.Select(l => l.Handler)];
    }
}
