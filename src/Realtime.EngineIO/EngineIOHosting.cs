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
            services.TryAddSingleton(sp => new EngineIOServer(
                sp.GetRequiredService<IOptions<EngineIOServerOptions>>().Value,
                sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
                sp.GetService<TimeProvider>(),
                sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
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
    /// <summary>Maps the Engine.IO endpoint.</summary>
    public static class EngineIOEndpointRouteBuilderExtensions
    {
        /// <summary>
        /// Maps <c>{path}</c> and <c>{path}/{**rest}</c> (every method, so wrong ones get Node's 400/500) to an
        /// Engine.IO server and returns it: the one registered by AddEngineIO if it is not mapped yet, else a new one.
        /// Sessions are closed when the application stops.
        /// </summary>
        public static EngineIOServer MapEngineIO(this IEndpointRouteBuilder endpoints, string path = "/engine.io", Action<EngineIOServerOptions>? configure = null)
        {
            ArgumentNullException.ThrowIfNull(endpoints);
            var services = endpoints.ServiceProvider;
            var server = services.GetService<EngineIOServer>();
            if (server is null || server.ApplicationServices is not null)
            {
                var options = new EngineIOServerOptions();
                server = new EngineIOServer(options, services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance, services.GetService<TimeProvider>(),
                    services.GetService<System.Diagnostics.Metrics.IMeterFactory>());
            }
            server.ApplicationServices = services;
            server.Options.Path = path.TrimEnd('/');
            configure?.Invoke(server.Options);

            var route = string.IsNullOrEmpty(server.Options.Path) ? "/" : server.Options.Path;
            endpoints.Map(route, server.HandleRequestAsync).WithDisplayName("Engine.IO " + route);
            endpoints.Map(route.TrimEnd('/') + "/{**rest}", server.HandleRequestAsync).WithDisplayName("Engine.IO " + route + "/*");

            // Close sessions before Kestrel waits for open requests, or pending long-polls would delay shutdown.
            services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(server.CloseAllSessions);
            return server;
        }
    }
}
