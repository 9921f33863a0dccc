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
            services.TryAddSingleton(sp => new SocketIOServer(
                sp.GetRequiredService<IOptions<SocketIOServerOptions>>().Value,
                sp.GetService<ILoggerFactory>(),
                sp,
                sp.GetService<TimeProvider>()));
            return new SocketIOServerBuilder(services);
        }

        private sealed record SocketIOServerBuilder(IServiceCollection Services) : ISocketIOServerBuilder;
    }
}

namespace Microsoft.AspNetCore.Builder
{
    /// <summary>Maps the Socket.IO endpoint.</summary>
    public static class SocketIOEndpointRouteBuilderExtensions
    {
        /// <summary>
        /// Maps Socket.IO at <paramref name="path"/> (default: the options' path, <c>/socket.io</c>), serves the browser
        /// client at <c>{path}/socket.io.js</c> when <see cref="SocketIOServerOptions.ServeClient"/> is on, and returns
        /// the server: <c>var io = app.MapSocketIO("/socket.io");</c>. Uses the server registered by <c>AddSocketIO</c>,
        /// or creates one. Connections are closed when the application stops.
        /// </summary>
        public static SocketIOServer MapSocketIO(this IEndpointRouteBuilder endpoints, string? path = null, Action<SocketIOServerOptions>? configure = null)
        {
            ArgumentNullException.ThrowIfNull(endpoints);
            var services = endpoints.ServiceProvider;
            var server = services.GetService<SocketIOServer>();
            // The registered server is mapped once; a second MapSocketIO gets a server of its own.
            if (server is null || server.Engine.ApplicationServices is not null)
                server = new SocketIOServer(new SocketIOServerOptions(), services.GetService<ILoggerFactory>(), services, services.GetService<TimeProvider>());
            server.Engine.ApplicationServices = services;   // socket.Conn.RequestServices: the app's services

            if (path is not null) server.Options.Path = path;
            configure?.Invoke(server.Options);
            server.Options.Path = server.Options.Path.TrimEnd('/');
            var route = string.IsNullOrEmpty(server.Options.Path) ? "/" : server.Options.Path;

            endpoints.Map(route, server.Engine.HandleRequestAsync).WithDisplayName("Socket.IO " + route);
            endpoints.Map(route.TrimEnd('/') + "/{**rest}", server.Engine.HandleRequestAsync).WithDisplayName("Socket.IO " + route + "/*");
            if (server.Options.ServeClient)
            {
                ClientBundle.Map(endpoints, route, server.Options.Cors);
            }

            // Close connections before Kestrel waits for open requests, or pending long-polls would delay shutdown.
            // (Engine.IO closes its sessions synchronously at the start of DisposeAsync; nothing to wait for here.)
            services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(() => _ = server.DisposeAsync().AsTask());
            return server;
        }
    }
}
