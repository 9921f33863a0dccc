namespace Realtime.SocketIO.AdminUI;

/// <summary>What the dashboard may see and do (Node: the options of <c>instrument(io, options)</c>).</summary>
public sealed class SocketIOAdminOptions
{
    /// <summary>The namespace the dashboard connects to. Default <c>/admin</c>.</summary>
    public string NamespaceName { get; set; } = "/admin";

    /// <summary>
    /// Who may connect: <see cref="SocketIOAdminAuth.Basic"/> (a user name and a bcrypt hash of the password) or
    /// <see cref="SocketIOAdminAuth.Disabled"/>. Left null, it is disabled in the Development environment and refused
    /// everywhere else: instrumenting then throws, so a server never starts with an open dashboard by accident.
    /// <see cref="SocketIOAdminAuth.Disabled"/> outside Development is allowed and logged as a warning.
    /// </summary>
    public SocketIOAdminAuth? Auth { get; set; }

    /// <summary>When true the dashboard only watches: it cannot emit, make sockets join or leave, or disconnect them.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>
    /// <see cref="SocketIOAdminMode.Development"/> sends every socket and every event to the dashboard as it happens;
    /// <see cref="SocketIOAdminMode.Production"/> sends only the aggregated figures (a packet is not copied to the
    /// dashboard). Left null, it follows the host environment (Development or not).
    /// </summary>
    public SocketIOAdminMode? Mode { get; set; }

    /// <summary>The name of this server in the dashboard's server list. Default: the host name.</summary>
    public string? ServerId { get; set; }

    /// <summary>How often the server sends its figures (Node: every 2 seconds).</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a signed-in dashboard keeps its session (it reconnects without the password). Default one day.</summary>
    public TimeSpan SessionDuration { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>What the dashboard is sent (Node's <c>mode</c> option).</summary>
public enum SocketIOAdminMode
{
    /// <summary>Every connection, room change and event, live.</summary>
    Development,

    /// <summary>Only the aggregated figures every <see cref="SocketIOAdminOptions.StatsInterval"/>.</summary>
    Production,
}

/// <summary>How the dashboard signs in (Node's <c>auth</c> option).</summary>
public sealed class SocketIOAdminAuth
{
    private SocketIOAdminAuth(string? username, string? passwordHash)
    {
        Username = username;
        PasswordHash = passwordHash;
    }

    /// <summary>No sign-in: anyone who reaches the server can watch it and act on its sockets. For a workshop laptop.</summary>
    public static SocketIOAdminAuth Disabled { get; } = new(null, null);

    /// <summary>
    /// The dashboard's connection form asks for <paramref name="username"/> and a password whose bcrypt hash is
    /// <paramref name="passwordHash"/> (make one with <c>BCrypt.Net.BCrypt.HashPassword("...")</c>, or any bcrypt tool:
    /// the <c>$2a$</c>/<c>$2b$</c>/<c>$2y$</c> forms all work). Keep the hash in configuration, never the password.
    /// </summary>
    public static SocketIOAdminAuth Basic(string username, string passwordHash)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        try
        {
            BCrypt.Net.BCrypt.Verify("", passwordHash); // parses the hash; the result does not matter here
        }
        catch (Exception e) when (e is BCrypt.Net.SaltParseException or ArgumentException or FormatException)
        {
            throw new ArgumentException("The admin password must be a bcrypt hash (\"$2b$10$...\"), not the password itself.", nameof(passwordHash), e);
        }
        return new SocketIOAdminAuth(username, passwordHash);
    }

    /// <summary>Whether sign-in is required.</summary>
    public bool IsEnabled => Username is not null;

    /// <summary>The user name the dashboard must send (null when disabled).</summary>
    public string? Username { get; }

    /// <summary>The bcrypt hash of the password (null when disabled).</summary>
    public string? PasswordHash { get; }
}
