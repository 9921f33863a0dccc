// The post's server.js: listen on 5000, log what clients write, write "Hi, I am server" to each every 2 s.
// Settings: appsettings.json, overridden on the command line, e.g. --port 0 --intervalMs 500 --framing lines
// The post's net.createServer(socket => ...) → TcpNetServer.ServeAsync; its setInterval → TcpNetServer.GreetAsync.
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using TcpNet;
using TcpNet.Server;

var options = new ConfigurationBuilder()
    .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
    .AddCommandLine(args)
    .Build()
    .Get<TcpNetServerOptions>() ?? new();

using var loggers = ConsoleLines.CreateLoggerFactory(); // prints each log line as the post's console.log did
using var stop = ConsoleLines.StopOnCtrlC();
try
{
    if (options.Udp)
    {
        await using var udp = new UdpNetServer(options, loggers.CreateLogger<UdpNetServer>()); // --udp true
        await udp.RunAsync(stop.Token);
    }
    else
    {
        await using var server = new TcpNetServer(options, loggers.CreateLogger<TcpNetServer>());
        await server.RunAsync(stop.Token); // until Ctrl+C
    }
}
catch (SocketException)
{
    return 1; // could not listen; already logged as "err: ..."
}
return 0;
