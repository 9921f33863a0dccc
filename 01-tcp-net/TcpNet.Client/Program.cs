// The post's client.js: connect to 5000, write "Hello~~ I am client." every second, log what the server writes.
// Settings: appsettings.json, overridden on the command line, e.g. --port 5001 --framing lines --burst 3
// The post's net.connect and socket.on("data") → TcpNetClient.RunAsync; its setInterval → TcpNetClient.WriteAsync.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using TcpNet;
using TcpNet.Client;

var options = new ConfigurationBuilder()
    .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
    .AddCommandLine(args)
    .Build()
    .Get<TcpNetClientOptions>() ?? new();

using var loggers = ConsoleLines.CreateLoggerFactory(); // prints each log line as the post's console.log did
using var stop = ConsoleLines.StopOnCtrlC();
if (options.Udp)
{
    await new UdpNetClient(options, loggers.CreateLogger<UdpNetClient>()).RunAsync(stop.Token); // --udp true
}
else
{
    var client = new TcpNetClient(options, loggers.CreateLogger<TcpNetClient>());
    await client.RunAsync(stop.Token); // until the server ends the connection, the idle timeout, or Ctrl+C
}
