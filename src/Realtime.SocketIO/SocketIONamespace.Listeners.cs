namespace Realtime.SocketIO;

// "connection" handlers as an EventEmitter has them: Once and Off, besides On (Node: nsp.once("connection", …),
// nsp.off("connection", listener)). Off takes the same delegate instance that was registered, as socket.Off does.
public partial class SocketIONamespace
{
    /// <summary>A "connection" handler: the namespace it was added to, the delegate as given, and how it is called.</summary>
    private sealed class ConnectionListener(SocketIONamespace owner, Delegate handler, Func<SocketIOSocket, Task?> invoke, bool once)
    {
        private int _fired;

        public Delegate Handler => handler;
        public Func<SocketIOSocket, Task?> Invoke => invoke;

        /// <summary>True if it should run now; a once listener says so one time and leaves its namespace.</summary>
        public bool TryFire()
        {
            if (!once) return true;
            if (Interlocked.Exchange(ref _fired, 1) == 1) return false;
            owner.RemoveConnectionListener(l => ReferenceEquals(l, this));
            return true;
        }
    }

    [ThreadStatic] private static bool t_registeringOnce;

    private SocketIONamespace RegisterOnce(Func<SocketIONamespace> on)
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

    private void RemoveConnectionListener(Func<ConnectionListener, bool> match)
    {
        lock (_gate)
        {
            var i = Array.FindLastIndex(_connectionHandlers, l => match(l));
            if (i >= 0) _connectionHandlers = [.. _connectionHandlers[..i], .. _connectionHandlers[(i + 1)..]];
        }
    }

    /// <summary>Runs <paramref name="handler"/> for the next socket only (Node's <c>nsp.once("connection", …)</c>).</summary>
    public SocketIONamespace Once(string eventName, Action<SocketIOSocket> handler)
    {
        CheckConnectionEvent(eventName);
        return RegisterOnce(() => OnConnection(handler));
    }

    /// <summary>The async form of <see cref="Once(string, Action{SocketIOSocket})"/>.</summary>
    public SocketIONamespace Once(string eventName, Func<SocketIOSocket, Task> handler)
    {
        CheckConnectionEvent(eventName);
        return RegisterOnce(() => OnConnection(handler));
    }

    /// <summary>
    /// Removes a "connection" <paramref name="handler"/>: the same delegate instance given to <c>On</c>, <c>OnConnection</c>
    /// or <c>Once</c> (Node's <c>nsp.off("connection", listener)</c>; the last one added goes). Sockets already
    /// connected keep what it did for them.
    /// </summary>
    public SocketIONamespace Off(string eventName, Delegate handler)
    {
        CheckConnectionEvent(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        RemoveConnectionListener(l => l.Handler.Equals(handler));
        return this;
    }

    /// <summary>Removes every "connection" handler of this namespace (Node's <c>nsp.off("connection")</c>).</summary>
    public SocketIONamespace Off(string eventName)
    {
        CheckConnectionEvent(eventName);
        lock (_gate) _connectionHandlers = [];
        return this;
    }
}

public sealed partial class SocketIOServer
{
    /// <summary>Runs <paramref name="handler"/> for the next socket joining the main namespace only: <c>io.Once("connection", …)</c>.</summary>
    public SocketIOServer Once(string eventName, Action<SocketIOSocket> handler) { Sockets.Once(eventName, handler); return this; }

    /// <summary>The async form of <see cref="Once(string, Action{SocketIOSocket})"/>.</summary>
    public SocketIOServer Once(string eventName, Func<SocketIOSocket, Task> handler) { Sockets.Once(eventName, handler); return this; }

    /// <summary>Removes a "connection" handler of the main namespace (the same delegate instance): <c>io.Off("connection", onConnection)</c>.</summary>
    public SocketIOServer Off(string eventName, Delegate handler) { Sockets.Off(eventName, handler); return this; }

    /// <summary>Removes every "connection" handler of the main namespace.</summary>
    public SocketIOServer Off(string eventName) { Sockets.Off(eventName); return this; }
}
