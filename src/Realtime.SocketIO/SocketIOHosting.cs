using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.SocketIO;

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>
    /// What <c>AddSocketIO</c> returns, for the calls that add to the server (like SignalR's <c>ISignalRServerBuilder</c>):
    /// <c>builder.Services.AddSocketIO().AddRedisAdapter(...)</c>.
    /// </summary>
    public interface ISocketIOServerBuilder
    {
        /// <summary>The application's services.</summary>
        IServiceCollection Services { get; }
    }

    /// <summary>Registers the Socket.IO server.</summary>
    public static class SocketIOServiceCollectionExtensions
    {
        /// <summary>
        /// Registers the options and the <see cref="SocketIOServer"/> singleton (inject it where you need <c>io</c>),
        /// and WebSockets support: <c>builder.Services.AddSocketIO(o =&gt; o.Cors = EngineCorsOptions.AnyOrigin())</c>.
        /// Each call's <paramref name="configure"/> is applied. Returns a builder for what adds to the server, such as a
        /// multi-server adapter.
        /// </summary>
        public static ISocketIOServerBuilder AddSocketIO(this IServiceCollection services, Action<SocketIOServerOptions>? configure = null)
        {
            ArgumentNullException.ThrowIfNull(services);
            services.AddEngineIO(); // the UseWebSockets startup filter
            services.AddOptions<SocketIOServerOptions>();
            if (configure is not null) services.Configure(configure);
            services.TryAddSingleton<SocketIOServerSlot>();
            services.TryAddSingleton(sp => sp.GetRequiredService<SocketIOServerSlot>().Create(sp));
            return new SocketIOServerBuilder(services);
        }

        private sealed record SocketIOServerBuilder(IServiceCollection Services) : ISocketIOServerBuilder;
    }

    /// <summary>
    /// Builds the registered server once, with the options of AddSocketIO plus the <c>configure</c> of the first
    /// MapSocketIO when the server did not exist yet: options are complete before the server is built, never edited after.
    /// </summary>
    internal sealed class SocketIOServerSlot
    {
        private readonly object _gate = new();
        private Action<SocketIOServerOptions>? _mapConfigure;
        private bool _created;
        private bool _mapped;

        public SocketIOServer Create(IServiceProvider services)
        {
            lock (_gate)
            {
                var options = services.GetRequiredService<IOptions<SocketIOServerOptions>>().Value;
                _mapConfigure?.Invoke(options);
                _mapConfigure = null;
                _created = true;
                return new SocketIOServer(options, services.GetService<ILoggerFactory>(), services, services.GetService<TimeProvider>());
            }
        }

        /// <summary>The registered server for the first MapSocketIO, else null (the caller makes a server of its own).</summary>
        public SocketIOServer? TakeForMapping(IServiceProvider services, Action<SocketIOServerOptions>? configure)
        {
            lock (_gate)
            {
                if (_mapped) return null;
                _mapped = true;
                if (_created && configure is not null)
                    throw new InvalidOperationException("The SocketIOServer was created before MapSocketIO, so MapSocketIO cannot configure it: pass the options to AddSocketIO instead.");
                _mapConfigure = configure;
            }
            return services.GetRequiredService<SocketIOServer>();
        }
    }
}

namespace Microsoft.AspNetCore.Builder
{
    /// <summary>
    /// What MapSocketIO returns (as MapHub returns SignalR's <c>HubEndpointConventionBuilder</c>): the conventions of
    /// ASP.NET Core endpoints (<c>.RequireAuthorization()</c>, <c>.RequireCors(...)</c>, <c>.WithMetadata(...)</c>)
    /// apply to every endpoint it mapped (the Engine.IO endpoint and the client bundle), and <see cref="Server"/> is
    /// Node's <c>io</c>: <c>var io = app.MapSocketIO("/socket.io").Server;</c>.
    /// </summary>
    public sealed class SocketIOEndpointConventionBuilder : IEndpointConventionBuilder
    {
        private readonly List<IEndpointConventionBuilder> _endpoints;

        internal SocketIOEndpointConventionBuilder(SocketIOServer server, List<IEndpointConventionBuilder> endpoints)
        {
            Server = server;
            _endpoints = endpoints;
        }

        /// <summary>The mapped server (Node's <c>io</c>).</summary>
        public SocketIOServer Server { get; }

        /// <inheritdoc/>
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var endpoint in _endpoints) endpoint.Add(convention);
        }

        /// <inheritdoc/>
        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var endpoint in _endpoints) endpoint.Finally(finallyConvention);
        }
    }

    /// <summary>Maps the Socket.IO endpoint.</summary>
    public static class SocketIOEndpointRouteBuilderExtensions
    {
        /// <summary>
        /// Maps Socket.IO at <paramref name="path"/> (default: the options' path, <c>/socket.io</c>) and serves the
        /// browser client at <c>{path}/socket.io.js</c> when <see cref="SocketIOServerOptions.ServeClient"/> is on:
        /// <c>var io = app.MapSocketIO("/socket.io").Server;</c>. Uses the server registered by <c>AddSocketIO</c> if it
        /// is not mapped yet, or creates one. <paramref name="configure"/> completes the options before the server is
        /// built (it throws when the registered server already exists: configure it in AddSocketIO then). Returns a
        /// convention builder for all these endpoints (<c>.RequireAuthorization()</c>, <c>.RequireCors(...)</c>), whose
        /// <see cref="SocketIOEndpointConventionBuilder.Server"/> is the server. Connections are closed when the
        /// application stops.
        /// </summary>
        public static SocketIOEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints, string? path = null, Action<SocketIOServerOptions>? configure = null)
        {
            ArgumentNullException.ThrowIfNull(endpoints);
            var services = endpoints.ServiceProvider;
            var server = services.GetService<SocketIOServerSlot>()?.TakeForMapping(services, configure);
            if (server is null)
            {
                // A second MapSocketIO, or no AddSocketIO: a server of its own.
                var options = new SocketIOServerOptions();
                configure?.Invoke(options);
                server = new SocketIOServer(options, services.GetService<ILoggerFactory>(), services, services.GetService<TimeProvider>());
            }

            var route = (path ?? server.Options.Path).TrimEnd('/');
            if (route.Length == 0) route = "/";
            List<IEndpointConventionBuilder> mapped =
            [
                endpoints.Map(route, server.Engine.HandleRequestAsync).WithDisplayName("Socket.IO " + route),
                endpoints.Map(route.TrimEnd('/') + "/{**rest}", server.Engine.HandleRequestAsync).WithDisplayName("Socket.IO " + route + "/*"),
            ];
            if (server.Options.ServeClient)
            {
                mapped.AddRange(ClientBundle.Map(endpoints, route, server.Options.Cors));
            }

            // Close connections before Kestrel waits for open requests, or pending long-polls would delay shutdown.
            // (Engine.IO closes its sessions synchronously at the start of DisposeAsync; nothing to wait for here.)
            services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(() => _ = server.DisposeAsync().AsTask());
            return new SocketIOEndpointConventionBuilder(server, mapped);
        }
    }
}
