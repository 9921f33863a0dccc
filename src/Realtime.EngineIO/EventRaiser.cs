using Microsoft.Extensions.Logging;

namespace Realtime.EngineIO;

/// <summary>Raises an event to each subscriber in turn: one that throws is logged and does not stop the others.</summary>
internal static class EventRaiser
{
    /// <summary>Calls <paramref name="invoke"/> for each subscriber of <paramref name="handlers"/> (no allocation).</summary>
    public static void Raise<TDelegate, TState>(TDelegate? handlers, TState state, Action<TDelegate, TState> invoke,
        ILogger logger, string session, string eventName) where TDelegate : Delegate
    {
        foreach (var handler in Delegate.EnumerateInvocationList(handlers))
        {
            try
            {
                invoke(handler, state);
            }
            catch (Exception e)
            {
                Log.HandlerFailed(logger, e, session, eventName);
            }
        }
    }
}
