using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Realtime.SocketIO.AdminUI;

/// <summary>Turns the admin dashboard on: <c>io.Instrument(...)</c> and <c>app.MapSocketIOAdminUI()</c>.</summary>
public static class SocketIOAdminExtensions
{
    /// <summary>
    /// Adds the admin namespace the official dashboard connects to (Node: <c>instrument(io, options)</c>). Without
    /// <see cref="SocketIOAdminOptions.Auth"/> it runs open in the Development environment and throws anywhere else.
    /// </summary>
    /// <example>
    /// <code>
    /// var io = app.MapSocketIO().Server;
    /// io.Instrument(o => o.Auth = SocketIOAdminAuth.Basic("admin", builder.Configuration["Admin:PasswordHash"]!));
    /// app.MapSocketIOAdminUI();   // the dashboard at /admin/
    /// </code>
    /// </example>
    public static SocketIOAdmin Instrument(this SocketIOServer io, Action<SocketIOAdminOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(io);
        var options = new SocketIOAdminOptions();
        configure?.Invoke(options);

        var environment = io.Services?.GetService<IHostEnvironment>();
        var development = environment?.IsDevelopment() ?? false;
        var logger = io.Services?.GetService<ILoggerFactory>()?.CreateLogger<SocketIOAdmin>() ?? NullLogger<SocketIOAdmin>.Instance;
        var auth = options.Auth ?? (development
            ? SocketIOAdminAuth.Disabled
            : throw new InvalidOperationException(
                $"The Socket.IO admin dashboard needs a sign-in outside Development (environment: {environment?.EnvironmentName ?? "unknown"}). " +
                "Set SocketIOAdminOptions.Auth = SocketIOAdminAuth.Basic(\"admin\", bcryptHashOfThePassword), " +
                "or SocketIOAdminAuth.Disabled to run it open on purpose."));
        // Open in Development is the documented default (the start-up line says "sign-in disabled"); open anywhere else
        // was asked for explicitly, and is worth a warning.
        if (!auth.IsEnabled && !development) Log.AuthDisabled(logger);
        var mode = options.Mode ?? (development ? SocketIOAdminMode.Development : SocketIOAdminMode.Production);
        return new SocketIOAdmin(io, options, auth, mode, logger);
    }

    /// <summary>
    /// Serves the official dashboard (npm <c>@socket.io/admin-ui</c>'s <c>ui/dist</c>, embedded in this assembly) at
    /// <paramref name="path"/>: open <c>http://localhost:PORT/admin/</c> and it connects to this same server.
    /// </summary>
    public static IEndpointConventionBuilder MapSocketIOAdminUI(this IEndpointRouteBuilder endpoints, string path = "/admin")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        path = "/" + path.Trim('/');
        var group = endpoints.MapGroup(path);
        // "/admin" → "/admin/", so the page's relative links (js/app.js) resolve under it. Routing matches both forms.
        group.MapGet("", (HttpContext context) =>
        {
            if (context.Request.Path.Value!.EndsWith('/')) return AdminDashboard.ServeAsync(context, null);
            context.Response.Redirect(context.Request.PathBase + path + "/");
            return Task.CompletedTask;
        });
        group.MapGet("/{**file}", (HttpContext context, string? file) => AdminDashboard.ServeAsync(context, file));
        return group.ExcludeFromDescription();
    }
}
