using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace Realtime.EngineIO;

/// <summary>
/// Kestrel's socket transport with one difference: when the process runs out of file descriptors, it refuses new
/// connections and keeps serving the open ones, as Node (libuv) does, instead of spinning.
/// </summary>
/// <remarks>
/// <para>
/// Kestrel's own listener retries a failed <c>accept</c> at once, whatever the error: it takes every
/// <see cref="SocketException"/> for a connection reset in the backlog. Out of descriptors (<c>EMFILE</c>/<c>ENFILE</c>),
/// the next <c>accept</c> fails the same way, for ever: one thread spins, and each failure builds a
/// <see cref="SocketException"/> whose stack trace (with file information) tries to load
/// <c>System.Diagnostics.StackTrace.dll</c>, which cannot be opened without a descriptor. Each failed load leaks native
/// memory, about 25 MB/s, until the runtime aborts with <c>Out of memory.</c> and every client is dropped.
/// </para>
/// <para>
/// This listener accepts through <see cref="SocketAsyncEventArgs"/> (an error is a value, not an exception) and keeps
/// 16 spare descriptors (<c>/dev/null</c>) while it accepts. When <c>accept</c> fails for want of descriptors, it
/// gives the spares back to the process (the runtime itself needs a few: an assembly loaded late takes two, and
/// without them .NET can abort) and refuses connections from then on: each one is accepted and closed at once, with a
/// reset, as a Node server does (libuv's "reserve descriptor" trick, with more than one). It accepts again once the
/// spares can be taken back with as many descriptors left over, checked at most every 100 ms. When even refusing is
/// impossible, it waits 5 ms, doubling to 1 s, before it tries again. A warning is logged once per episode, and a note
/// with the number refused when it ends.
/// </para>
/// <para>
/// Everything else is Kestrel's: the listen socket comes from <see cref="SocketTransportOptions.CreateBoundListenSocket"/>,
/// each connection from Kestrel's public <see cref="SocketConnectionContextFactory"/>, and every
/// <see cref="SocketTransportOptions"/> (backlog, no-delay, I/O queues, buffer sizes, inline scheduling) applies.
/// <c>AddEngineIO</c>/<c>AddSocketIO</c> register it in place of Kestrel's default socket transport.
/// </para>
/// </remarks>
public sealed class SheddingSocketTransportFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportOptions _options;
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Created by dependency injection, with the app's <see cref="SocketTransportOptions"/>.</summary>
    public SheddingSocketTransportFactory(IOptions<SocketTransportOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options.Value;
        _loggerFactory = loggerFactory;
    }

    /// <inheritdoc/>
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var listener = new SheddingSocketListener(endpoint, _options, _loggerFactory);
        listener.Bind();
        return new ValueTask<IConnectionListener>(listener);
    }

    /// <summary>The endpoints Kestrel's socket transport binds: IP, Unix domain socket, an inherited socket handle.</summary>
    public bool CanBind(EndPoint endpoint) => endpoint switch
    {
        IPEndPoint => true,
        UnixDomainSocketEndPoint => true,
        FileHandleEndPoint handle => handle.FileHandleType is FileHandleType.Auto or FileHandleType.Tcp,
        _ => false,
    };
}

internal sealed class SheddingSocketListener : IConnectionListener
{
    /// <summary>
    /// Descriptors held back from clients for the rest of the process. Out of descriptors, .NET itself fails in odd
    /// places: an assembly loaded late (the JIT's background recompilation loads some) needs two, and without them the
    /// runtime can abort. So the listener holds these spares while it accepts and gives them back the moment
    /// <c>accept</c> fails, which leaves that many free for the process during the whole episode.
    /// </summary>
    internal const int Headroom = 16;

    private static readonly TimeSpan FirstBackOff = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(1);
    private const long ProbeIntervalMs = 100; // how often a refusing listener checks whether descriptors came back

    private readonly SocketTransportOptions _options;
    private readonly SocketConnectionContextFactory _factory;
    private readonly ILogger _logger;
    private readonly AcceptArgs _accept = new();
    private readonly CancellationTokenSource _unbound = new();
    private readonly List<SafeFileHandle> _spares = new(Headroom);
    private Socket? _listenSocket;
    private bool _refusing;      // an episode: the spares are given back, every connection accepted is closed at once
    private long _nextProbeMs;   // Environment.TickCount64 of the next check for free descriptors
    private long _refused;       // connections refused in this episode
    private TimeSpan _backOff = FirstBackOff;

    public SheddingSocketListener(EndPoint endpoint, SocketTransportOptions options, ILoggerFactory loggerFactory)
    {
        EndPoint = endpoint;
        _options = options;
        // Kestrel's category, so connection-level logs read as they always did; our own events use this class's.
        var kestrelLogger = loggerFactory.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets");
        _factory = new SocketConnectionContextFactory(FactoryOptions(options), kestrelLogger);
        _logger = loggerFactory.CreateLogger<SheddingSocketTransportFactory>();
    }

    public EndPoint EndPoint { get; private set; }

    /// <summary>What Kestrel's listener does: bind through the options' hook, listen with their backlog.</summary>
    public void Bind()
    {
        Socket socket;
        try
        {
            socket = _options.CreateBoundListenSocket(EndPoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new AddressInUseException(e.Message, e);
        }
        EndPoint = socket.LocalEndPoint!;
        socket.Listen(_options.Backlog);
        _listenSocket = socket;
        TakeSpares(Headroom);
    }

    /// <summary>
    /// The next connection, or <c>null</c> once unbound. Never throws for a failed accept: Kestrel stops accepting
    /// for good when a listener throws.
    /// </summary>
    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        var listenSocket = _listenSocket ?? throw new InvalidOperationException("Bind must be called first.");
        while (true)
        {
            if (_unbound.IsCancellationRequested) return null;
            SocketError error;
            Socket? accepted;
            try
            {
                _accept.Prepare();
                if (listenSocket.AcceptAsync(_accept)) await _accept.WaitAsync().ConfigureAwait(false); // false: done at once
                error = _accept.SocketError;
                accepted = _accept.AcceptSocket;
            }
            catch (ObjectDisposedException)
            {
                return null; // unbound while accepting
            }

            if (error == SocketError.Success && accepted is not null)
            {
                if (_refusing && !TryEndEpisode())
                {
                    // Refused as Node refuses: accepted and closed at once. Linger 0 sends a reset, so the client
                    // knows now and the kernel keeps nothing; the descriptor is free again before the next accept.
                    accepted.Close(0);
                    _refused++;
                    continue;
                }
                if (accepted.LocalEndPoint is IPEndPoint) accepted.NoDelay = _options.NoDelay; // as Kestrel: TCP only
                return _factory.Create(accepted);
            }
            accepted?.Dispose();
            if (_unbound.IsCancellationRequested || error == SocketError.OperationAborted) return null;

            // A connection reset while it waited in the backlog: the next one is unaffected (Kestrel's only case).
            if (error is SocketError.ConnectionReset or SocketError.ConnectionAborted) continue;

            if (error == SocketError.TooManyOpenSockets && !_refusing)
            {
                // Out of descriptors (EMFILE, ENFILE): give the spares back and refuse connections from now on.
                // The next accept takes one of the freed descriptors for the client it refuses.
                BeginEpisode(error);
                continue;
            }

            // Still out of descriptors with the spares given back (the process used them up), out of kernel memory,
            // or something unknown that would fail again at once: wait a little, never spin. Clients wait in the
            // backlog meanwhile.
            if (!_refusing) BeginEpisode(error);
            try
            {
                await Task.Delay(_backOff, _unbound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            _backOff = TimeSpan.FromTicks(Math.Min(_backOff.Ticks * 2, MaxBackOff.Ticks));
        }
    }

    private void BeginEpisode(SocketError error)
    {
        _refusing = true;
        ReleaseSpares();
        _nextProbeMs = Environment.TickCount64 + ProbeIntervalMs;
        Log.AcceptFailing(_logger, EndPoint.ToString() ?? "", error);
    }

    /// <summary>
    /// The episode is over when the spares can be taken back with as many descriptors still free after them, so the
    /// clients accepted next cannot eat the process's headroom at once (and the listener does not flap). Checked at
    /// most every 100 ms, since each failed check costs an exception.
    /// </summary>
    private bool TryEndEpisode()
    {
        var now = Environment.TickCount64;
        if (now < _nextProbeMs) return false;
        _nextProbeMs = now + ProbeIntervalMs;
        if (!TakeSpares(2 * Headroom))
        {
            ReleaseSpares();
            return false;
        }
        while (_spares.Count > Headroom)
        {
            _spares[^1].Dispose();
            _spares.RemoveAt(_spares.Count - 1);
        }
        _refusing = false;
        _backOff = FirstBackOff;
        Log.AcceptRecovered(_logger, EndPoint.ToString() ?? "", _refused);
        _refused = 0;
        return true;
    }

    /// <summary>Opens spare descriptors (<c>/dev/null</c>) up to <paramref name="count"/>; false if it ran out first.</summary>
    private bool TakeSpares(int count)
    {
        if (OperatingSystem.IsWindows()) return true; // sockets there are not counted against a descriptor limit
        try
        {
            while (_spares.Count < count) _spares.Add(File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void ReleaseSpares()
    {
        foreach (var spare in _spares) spare.Dispose();
        _spares.Clear();
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _unbound.Cancel();
        _listenSocket?.Dispose(); // a pending accept completes with OperationAborted
        return default;
    }

    public ValueTask DisposeAsync()
    {
        _unbound.Cancel();
        _listenSocket?.Dispose();
        ReleaseSpares();
        _factory.Dispose();
        return default;
    }

    /// <summary>
    /// Kestrel copies its transport options into the factory's through an internal constructor, which also carries
    /// the memory pool Kestrel registers (pinned blocks, with its metrics). Use it when it is there, else copy the
    /// public options (the factory then uses the shared array pool).
    /// </summary>
    private static SocketConnectionFactoryOptions FactoryOptions(SocketTransportOptions options)
    {
        try
        {
            return KestrelFactoryOptions(options);
        }
        catch (MissingMethodException)
        {
            return new SocketConnectionFactoryOptions
            {
                IOQueueCount = options.IOQueueCount,
                WaitForDataBeforeAllocatingBuffer = options.WaitForDataBeforeAllocatingBuffer,
                MaxReadBufferSize = options.MaxReadBufferSize,
                MaxWriteBufferSize = options.MaxWriteBufferSize,
                UnsafePreferInlineScheduling = options.UnsafePreferInlineScheduling,
            };
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Constructor)]
    private static extern SocketConnectionFactoryOptions KestrelFactoryOptions(SocketTransportOptions transportOptions);

    /// <summary>One reusable accept operation, awaitable without allocating; its result is a value, not an exception.</summary>
    private sealed class AcceptArgs() : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true), IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _source = new() { RunContinuationsAsynchronously = true };

        public void Prepare()
        {
            AcceptSocket = null;
            _source.Reset();
        }

        public ValueTask WaitAsync() => new(this, _source.Version);

        protected override void OnCompleted(SocketAsyncEventArgs e) => _source.SetResult(true);

        void IValueTaskSource.GetResult(short token) => _source.GetResult(token);

        ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _source.GetStatus(token);

        void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _source.OnCompleted(continuation, state, token, flags);
    }
}
