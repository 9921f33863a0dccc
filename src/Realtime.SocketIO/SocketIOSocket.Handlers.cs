using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Realtime.SocketIO.Protocol;

namespace Realtime.SocketIO;

// Listening: the On overloads, binding a handler's parameters to the event's arguments, and running handlers
// (Node's socket.ts: onevent, dispatch). The rest of the listener API is in SocketIOSocket.Listeners.cs.
public sealed partial class SocketIOSocket
{
    // ---- listening ----

    /// <summary>Handles <paramref name="eventName"/> with no arguments.</summary>
    public SocketIOSocket On(string eventName, Action handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, _ => { handler(); return null; });
    }

    /// <summary>Handles <paramref name="eventName"/> with the raw arguments (JSON, attachments, ack).</summary>
    public SocketIOSocket On(string eventName, Action<SocketIOArgs> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(args); return null; });
    }

    /// <summary>Handles <paramref name="eventName"/> asynchronously with the raw arguments.</summary>
    public SocketIOSocket On(string eventName, Func<SocketIOArgs, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, handler);
    }

    /// <summary>Handles <paramref name="eventName"/>; the first argument is read as <typeparamref name="T"/>: <c>socket.On("reply", (string data) =&gt; ...)</c>.</summary>
    /// <example><code>
    /// socket.On("reply", (string data) =&gt; logger.LogInformation("{Data}", data));   // 클라이언트로부터 메시지 수신 시
    /// socket.On("disconnect", (string reason) =&gt; interval.Dispose());              // 연결 종료 시: clearInterval
    /// </code></example>
    public SocketIOSocket On<T>(string eventName, Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(Bind<T>(args, 0)); return null; });
    }

    /// <summary>Handles <paramref name="eventName"/> with two arguments.</summary>
    public SocketIOSocket On<T1, T2>(string eventName, Action<T1, T2> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(Bind<T1>(args, 0), Bind<T2>(args, 1)); return null; });
    }

    /// <summary>Handles <paramref name="eventName"/> with three arguments.</summary>
    public SocketIOSocket On<T1, T2, T3>(string eventName, Action<T1, T2, T3> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(Bind<T1>(args, 0), Bind<T2>(args, 1), Bind<T3>(args, 2)); return null; });
    }

    /// <summary>
    /// Handles <paramref name="eventName"/> with no arguments; the return value (awaited if it is a task) answers the
    /// client's acknowledgement: <c>socket.On("ping", () =&gt; "pong")</c>.
    /// </summary>
    public SocketIOSocket On<TResult>(string eventName, Func<TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => AckResult<TResult>.Answer(handler(), args));
    }

    /// <summary>
    /// Handles <paramref name="eventName"/>; the return value answers the acknowledgement:
    /// <c>socket.On("double", (int n) =&gt; n * 2)</c>, <c>socket.On("save", async (Post p) =&gt; await db.SaveAsync(p))</c>.
    /// A handler returning a plain <see cref="Task"/> is awaited and answers nothing.
    /// </summary>
    /// <example><code>
    /// // The client asks with a callback: socket.emit("question", "잘 들리나요?", answer =&gt; ...)
    /// socket.On("question", (string question) =&gt; $"서버의 답: \"{question}\" 잘 받았습니다.");
    /// socket.On("save", async (Post post) =&gt; await posts.SaveAsync(post, socket.ConnectionAborted));
    /// </code></example>
    public SocketIOSocket On<T, TResult>(string eventName, Func<T, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => AckResult<TResult>.Answer(handler(Bind<T>(args, 0)), args));
    }

    /// <summary>Handles <paramref name="eventName"/> with two arguments; the return value answers the acknowledgement.</summary>
    public SocketIOSocket On<T1, T2, TResult>(string eventName, Func<T1, T2, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => AckResult<TResult>.Answer(handler(Bind<T1>(args, 0), Bind<T2>(args, 1)), args));
    }

    /// <summary>Handles <paramref name="eventName"/> with an explicit acknowledgement callback: <c>(SocketIOAck ack) =&gt; ack("ok")</c>.</summary>
    public SocketIOSocket On(string eventName, Action<SocketIOAck> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(AckOf(args)); return null; });
    }

    /// <summary>Handles <paramref name="eventName"/> with one argument and the acknowledgement callback: <c>(string q, SocketIOAck ack) =&gt; ack(answer)</c>.</summary>
    /// <example><code>
    /// socket.On("join", (string roomId, SocketIOAck ack) =&gt;
    /// {
    ///     if (!rooms.Exists(roomId)) { ack(new { error = "not-found" }); return; }
    ///     socket.Join(roomId);
    ///     ack(new { ok = true });
    /// });
    /// </code></example>
    public SocketIOSocket On<T>(string eventName, Action<T, SocketIOAck> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(Bind<T>(args, 0), AckOf(args)); return null; });
    }

    /// <summary>Handles <paramref name="eventName"/> asynchronously with one argument and the acknowledgement callback.</summary>
    public SocketIOSocket On<T>(string eventName, Func<T, SocketIOAck, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => handler(Bind<T>(args, 0), AckOf(args)));
    }

    /// <summary>Handles <paramref name="eventName"/> with two arguments and the acknowledgement callback.</summary>
    public SocketIOSocket On<T1, T2>(string eventName, Action<T1, T2, SocketIOAck> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddHandler(eventName, handler, args => { handler(Bind<T1>(args, 0), Bind<T2>(args, 1), AckOf(args)); return null; });
    }

    /// <summary>Removes every handler of <paramref name="eventName"/>.</summary>
    public SocketIOSocket Off(string eventName)
    {
        lock (_gate) _handlers.Remove(eventName);
        return this;
    }

    /// <summary>Runs <paramref name="handler"/> for every incoming event, before its own handlers (Node's <c>onAny</c>).</summary>
    public SocketIOSocket OnAny(Action<string, SocketIOArgs> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate) _anyHandlers = [.. _anyHandlers, new AnyListener(handler, (name, args) => { handler(name, args); return null; })];
        return this;
    }

    /// <summary>Runs the async <paramref name="handler"/> for every incoming event.</summary>
    public SocketIOSocket OnAny(Func<string, SocketIOArgs, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate) _anyHandlers = [.. _anyHandlers, new AnyListener(handler, handler)];
        return this;
    }

    /// <summary>Removes every <see cref="OnAny(Action{string, SocketIOArgs})"/> handler.</summary>
    public SocketIOSocket OffAny()
    {
        lock (_gate) _anyHandlers = [];
        return this;
    }

    // ---- binding: a typed handler, called with the event's arguments ----

    // handler: the delegate as given (what Off and Listeners compare and return); invoke: it, bound to SocketIOArgs.
    private SocketIOSocket AddHandler(string eventName, Delegate handler, Func<SocketIOArgs, Task?> invoke)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        var listener = new Listener(eventName, handler, invoke, t_registeringOnce);
        lock (_gate) _handlers[eventName] = _handlers.TryGetValue(eventName, out var list) ? [.. list, listener] : [listener];
        return this;
    }

    private static readonly SocketIOAck NoAck = _ => { };

    private static SocketIOAck AckOf(SocketIOArgs args) => args.Ack ?? NoAck;

    private static T Bind<T>(SocketIOArgs args, int index)
    {
        if (typeof(T) == typeof(SocketIOArgs)) return (T)(object)args;
        if (typeof(T) == typeof(SocketIOAck)) return (T)(object)AckOf(args);
        if (args.Error is T error) return error;   // "error" raised by a refusing packet middleware: (Exception e) => …
        return args.Get<T>(index)!;
    }

    // ---- running handlers (Node: onevent, dispatch) ----

    private void OnEvent(SocketIOPacket packet)
    {
        var data = packet.Data!.Value;
        var first = data[0];
        var eventName = first.ValueKind == JsonValueKind.String ? first.GetString()! : JsNumber.ToString(first.GetDouble());
        SocketIOAck? ack = null;
        if (packet.Id is { } ackId)
        {
            var sent = 0;
            ack = values =>
            {
                if (Interlocked.Exchange(ref sent, 1) == 1 || !_connected) return; // only the first answer counts
                Connection.Write(SocketIOPacketEncoder.EncodeAck(Nsp.Name, ackId, values ?? [null], Server.Options.JsonSerializerOptions));
            };
        }
        var args = new SocketIOArgs(eventName, data, 1, packet.Attachments, ack, Server.Options.JsonSerializerOptions);

        // The handler and its state are passed separately: no closure is allocated per event.
        foreach (var any in _anyHandlers) RunHandler(static s => s.Any.Invoke(s.Name, s.Args), (Any: any, Name: eventName, Args: args), eventName);
        if (!_connected) return;
        // As Node: onAny sees the event as sent, then the packet middleware (socket.Use) may rewrite or refuse it.
        if (_packetMiddleware.Length > 0) RunPacketMiddleware(args);
        else Dispatch(args);
    }

    /// <summary>Runs the handlers of <paramref name="args"/>' event.</summary>
    private void Dispatch(SocketIOArgs args)
    {
        Listener[]? handlers;
        lock (_gate) _handlers.TryGetValue(args.Event, out handlers);
        if (handlers is null) return;
        foreach (var handler in handlers) RunListener(handler, args);
    }

    private void RaiseReserved(string eventName, string reason, string? description)
    {
        Listener[]? handlers;
        lock (_gate) _handlers.TryGetValue(eventName, out handlers);
        if (handlers is null) return;
        var payload = description is null
            ? JsonSerializer.SerializeToElement(new[] { reason }, SocketIOJson.Options)
            : JsonSerializer.SerializeToElement(new[] { reason, description }, SocketIOJson.Options);
        var args = new SocketIOArgs(eventName, payload, 0, null, null, Server.Options.JsonSerializerOptions);
        foreach (var handler in handlers) RunListener(handler, args);
    }

    /// <summary>Runs <c>handler(state)</c>; its exceptions (and its task's) are logged and never reach the connection.</summary>
    internal void RunHandler<TState>(Func<TState, Task?> handler, TState state, string eventName)
    {
        Task? task;
        try
        {
            task = handler(state);
        }
        catch (JsonException e)
        {
            // The event name and the error (which may quote the client's JSON) are the client's text.
            if (Connection.ClientLog.Allows(LogLevel.Warning)) Log.ArgumentsInvalid(Server.Logger, ClientLog.Clip(eventName), Id, ClientLog.Clip(e.Message));
            return;
        }
        catch (Exception e)
        {
            LogHandlerFailed(e, eventName);
            return;
        }
        if (task is null) return;
        if (task.IsCompletedSuccessfully) return;
        _ = ObserveAsync(task, eventName);
    }

    private async Task ObserveAsync(Task task, string eventName)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogHandlerFailed(e, eventName);
        }
    }

    // An OnAny handler sees any event name the client chose.
    private void LogHandlerFailed(Exception e, string eventName)
    {
        Server.Metrics.Error(SocketIOMetrics.HandlerFailed);
        if (Connection.ClientLog.Allows(LogLevel.Error)) Log.HandlerFailed(Server.Logger, e, ClientLog.Clip(eventName), Id, ClientLog.Clip(Nsp.Name));
    }

    /// <summary>Turns a handler's return value into the acknowledgement (awaiting tasks first).</summary>
    private static class AckResult<TResult>
    {
        private static readonly Type Type = typeof(TResult);
        private static readonly bool IsTask = Type == typeof(Task);
        private static readonly bool IsValueTask = Type == typeof(ValueTask);
        private static readonly bool IsTaskOf = Type.IsGenericType && Type.GetGenericTypeDefinition() == typeof(Task<>);
        private static readonly bool IsValueTaskOf = Type.IsGenericType && Type.GetGenericTypeDefinition() == typeof(ValueTask<>);
        private static readonly PropertyInfo? ResultProperty =
            IsTaskOf ? Type.GetProperty("Result") : IsValueTaskOf ? typeof(Task<>).MakeGenericType(Type.GetGenericArguments()[0]).GetProperty("Result") : null;
        private static readonly MethodInfo? AsTask = IsValueTaskOf ? Type.GetMethod("AsTask") : null;

        public static Task? Answer(TResult result, SocketIOArgs args)
        {
            if (IsTask) return (Task)(object)result!;
            if (IsValueTask) return ((ValueTask)(object)result!).AsTask();
            if (IsTaskOf) return AwaitThenAnswer((Task)(object)result!, args);
            if (IsValueTaskOf) return AwaitThenAnswer((Task)AsTask!.Invoke(result, null)!, args);
            args.Ack?.Invoke(result);
            return null;
        }

        private static async Task AwaitThenAnswer(Task task, SocketIOArgs args)
        {
            await task.ConfigureAwait(false);
            args.Ack?.Invoke(ResultProperty!.GetValue(task));
        }
    }
}
