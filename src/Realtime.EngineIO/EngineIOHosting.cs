using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Realtime.EngineIO;

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers the Engine.IO server.</summary>
    public static class EngineIOServiceCollectionExtensions
    {
        /// <summary>
        /// Registers the options, the <see cref="EngineIOServer"/> singleton, a startup filter that puts
        /// <c>UseWebSockets</c> (no keep-alive pings: Engine.IO has its own heartbeat) at the start of the pipeline, and
        /// <see cref="SheddingSocketTransportFactory"/> in place of Kestrel's default socket transport (so running out
        /// of file descriptors refuses new connections instead of killing the process; a transport the app chose
        /// itself is left alone). Idempotent; each call's <paramref name="configure"/> is applied.
        /// </summary>
        public static IServiceCollection AddEngineIO(this IServiceCollection services, Action<EngineIOServerOptions>? configure = null)
        {
            ArgumentNullException.ThrowIfNull(services);
            services.AddOptions<EngineIOServerOptions>();
            if (configure is not null) services.Configure(configure);
            services.TryAddSingleton<EngineIOServerSlot>();
            services.TryAddSingleton(sp => sp.GetRequiredService<EngineIOServerSlot>().Create(sp));
            services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, EngineIOStartupFilter>());
            AddSheddingSocketTransport(services);
            return services;
        }

        /// <summary>
        /// Kestrel binds with the last registered transport that can bind the endpoint. Add ours after Kestrel's own
        /// socket transport (or before Kestrel registers it: Kestrel only adds its own when none is registered), but
        /// never over a transport the app registered itself. To keep Kestrel's, register
        /// <see cref="SocketTransportFactory"/> again after AddEngineIO/AddSocketIO.
        /// </summary>
        private static void AddSheddingSocketTransport(IServiceCollection services)
        {
            var current = services.LastOrDefault(d => d.ServiceType == typeof(IConnectionListenerFactory));
            if (current is not null && current.ImplementationType != typeof(SocketTransportFactory)) return;
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionListenerFactory, SheddingSocketTransportFactory>());
        }
    }

    /// <summary>
    /// Builds the registered server once, with the options of AddEngineIO plus the <c>configure</c> of the first
    /// MapEngineIO when the server did not exist yet: options are complete before the server is built, never edited after.
    /// </summary>
    internal sealed class EngineIOServerSlot
    {
        private readonly object _gate = new();
        private Action<EngineIOServerOptions>? _mapConfigure;
        private bool _created;
        private bool _mapped;

        public EngineIOServer Create(IServiceProvider services)
        {
            lock (_gate)
            {
                var options = services.GetRequiredService<IOptions<EngineIOServerOptions>>().Value;
                _mapConfigure?.Invoke(options);
                _mapConfigure = null;
                _created = true;
                return new EngineIOServer(options, services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
                    services.GetService<TimeProvider>(), services.GetService<System.Diagnostics.Metrics.IMeterFactory>(), services);
            }
        }

        /// <summary>The registered server for the first MapEngineIO, else null (the caller makes a server of its own).</summary>
        public EngineIOServer? TakeForMapping(IServiceProvider services, Action<EngineIOServerOptions>? configure)
        {
            lock (_gate)
            {
                if (_mapped) return null;
                _mapped = true;
                if (_created && configure is not null)
                    throw new InvalidOperationException("The EngineIOServer was created before MapEngineIO, so MapEngineIO cannot configure it: pass the options to AddEngineIO instead.");
                _mapConfigure = configure;
            }
            return services.GetRequiredService<EngineIOServer>();
        }
    }

    internal sealed class EngineIOStartupFilter : IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            Microsoft.AspNetCore.Builder.WebSocketMiddlewareExtensions.UseWebSockets(app,
                new Microsoft.AspNetCore.Builder.WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
            next(app);
        };
    }
}

namespace Microsoft.AspNetCore.Builder
{
    /// <summary>
    /// What MapEngineIO returns: the conventions of ASP.NET Core endpoints (<c>.RequireAuthorization()</c>,
    /// <c>.RequireCors(...)</c>, <c>.WithMetadata(...)</c>) apply to every endpoint of the server, and
    /// <see cref="Server"/> is the server they lead to: <c>var engine = app.MapEngineIO().Server;</c>.
    /// </summary>
    public sealed class EngineIOEndpointConventionBuilder : IEndpointConventionBuilder
    {
        private readonly IEndpointConventionBuilder[] _endpoints;

        internal EngineIOEndpointConventionBuilder(EngineIOServer server, params IEndpointConventionBuilder[] endpoints)
        {
            Server = server;
            _endpoints = endpoints;
        }

        /// <summary>The mapped server.</summary>
        public EngineIOServer Server { get; }

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

    /// <summary>Maps the Engine.IO endpoint.</summary>
    public static class EngineIOEndpointRouteBuilderExtensions
    {
        /// <summary>
        /// Maps <c>{path}</c> and <c>{path}/{**rest}</c> (every method, so wrong ones get Node's 400/500) to an
        /// Engine.IO server: the one registered by AddEngineIO if it is not mapped yet, else a new one.
        /// <paramref name="path"/> defaults to the options' <see cref="EngineIOServerOptions.Path"/>;
        /// <paramref name="configure"/> completes the options before the server is built (it throws when the
        /// registered server already exists: configure it in AddEngineIO then). Returns a convention builder for all
        /// these endpoints, whose <see cref="EngineIOEndpointConventionBuilder.Server"/> is the server. Sessions are
        /// closed when the application stops.
        /// </summary>
        public static EngineIOEndpointConventionBuilder MapEngineIO(this IEndpointRouteBuilder endpoints, string? path = null, Action<EngineIOServerOptions>? configure = null)
        {
            ArgumentNullException.ThrowIfNull(endpoints);
            var services = endpoints.ServiceProvider;
            var server = services.GetService<EngineIOServerSlot>()?.TakeForMapping(services, configure);
            if (server is null)
            {
                var options = new EngineIOServerOptions();
                configure?.Invoke(options);
                server = new EngineIOServer(options, services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance, services.GetService<TimeProvider>(),
                    services.GetService<System.Diagnostics.Metrics.IMeterFactory>(), services);
            }

            var route = (path ?? server.Options.Path).TrimEnd('/');
            if (route.Length == 0) route = "/";
            var builder = new EngineIOEndpointConventionBuilder(server,
                endpoints.Map(route, server.HandleRequestAsync).WithDisplayName("Engine.IO " + route),
                endpoints.Map(route.TrimEnd('/') + "/{**rest}", server.HandleRequestAsync).WithDisplayName("Engine.IO " + route + "/*"));

            // Close sessions before Kestrel waits for open requests, or pending long-polls would delay shutdown.
            services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(server.CloseAllSessions);
            return builder;
        }
    }
}
