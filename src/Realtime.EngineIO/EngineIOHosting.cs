using Microsoft.AspNetCore.Routing;
using Realtime.EngineIO;

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers the Engine.IO server.</summary>
    public static class EngineIOServiceCollectionExtensions
    {
        /// <summary>Registers options, the <see cref="EngineIOServer"/> singleton and WebSockets. Idempotent.</summary>
        public static IServiceCollection AddEngineIO(this IServiceCollection services, Action<EngineIOServerOptions>? configure = null)
            => throw new NotImplementedException();
    }
}

namespace Microsoft.AspNetCore.Builder
{
    /// <summary>Maps the Engine.IO endpoint.</summary>
    public static class EngineIOEndpointRouteBuilderExtensions
    {
        /// <summary>Maps <c>{path}</c> and <c>{path}/{**rest}</c> to the Engine.IO server and returns it.</summary>
        public static EngineIOServer MapEngineIO(this IEndpointRouteBuilder endpoints, string path = "/engine.io", Action<EngineIOServerOptions>? configure = null)
            => throw new NotImplementedException();
    }
}
