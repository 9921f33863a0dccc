using Microsoft.Extensions.Logging;

namespace Realtime.SocketIO;

// CleanupEmptyChildNamespaces (Node's cleanupEmptyChildNamespaces, parent-namespace.ts): a child namespace of a
// dynamic pattern is removed when its last socket leaves.
//
// Node removes the child when its socket count drops to 0. Here a connection counts from its CONNECT on, while the
// middleware still runs: a CONNECT that found the child must not join it after it was removed (Node has that race:
// its socket would land in a namespace nobody can reach any more).
public partial class SocketIONamespace
{
    // Sockets joined or joining this child; guarded by the parent's lock. Only counted with CleanupEmptyChildNamespaces.
    private int _occupants;

    /// <summary>A join was refused or abandoned: the connection forgets it, and the child counts one occupant less.</summary>
    private void Abandon(SocketIOConnection connection)
    {
        connection.Forget(Name);
        LeftBy();
    }

    /// <summary>One occupant (a socket, or a join that did not happen) left.</summary>
    private void LeftBy()
    {
        if (Parent is SocketIOParentNamespace parent && Server.Options.CleanupEmptyChildNamespaces) parent.Leave(this);
    }

    internal bool EnterOccupant() => ++_occupants == 1;

    internal bool LeaveOccupant() => --_occupants == 0;
}

public sealed partial class SocketIOParentNamespace
{
    private readonly object _childrenGate = new();

    /// <summary>The child <paramref name="name"/>, created if needed, with one more occupant (a CONNECT now joining).</summary>
    internal SocketIONamespace Enter(string name)
    {
        SocketIONamespace child;
        bool added;
        lock (_childrenGate)
        {
            child = _children.GetOrAdd(name, n => new SocketIONamespace(Server, n, this));
            added = Server.AddChild(child);
            child.EnterOccupant();
        }
        if (added) Server.RaiseNamespaceCreated(child);
        return child;
    }

    /// <summary>One occupant of <paramref name="child"/> left; the last one removes it from the parent and the server.</summary>
    internal void Leave(SocketIONamespace child)
    {
        lock (_childrenGate)
        {
            if (!child.LeaveOccupant()) return;
            _children.TryRemove(new KeyValuePair<string, SocketIONamespace>(child.Name, child));
            Server.RemoveChild(child);
        }
        if (Server.Logger.IsEnabled(LogLevel.Debug)) Log.ChildNamespaceRemoved(Server.Logger, ClientLog.Clip(child.Name));
        // Node closes the child's adapter (a multi-server one stops listening to its channels).
        if (child.Adapter is IDisposable disposable) disposable.Dispose();
        else if (child.Adapter is IAsyncDisposable asyncDisposable) _ = asyncDisposable.DisposeAsync().AsTask();
    }
}
