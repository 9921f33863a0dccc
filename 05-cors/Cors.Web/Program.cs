// Step 05: the page, served from http://localhost:3000. The API it calls lives at http://localhost:8080: another
// port, so another origin, so every fetch and socket request it makes is cross-origin.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://localhost:3000");     // the React dev server's port in post 000
}
var apiBase = (builder.Configuration["Cors:Api"] ?? "http://localhost:8080").TrimEnd('/');

var app = builder.Build();
// The page reads the API's address from here (or from ?api=... in its URL).
app.MapGet("/config.js", (HttpResponse response) =>
{
    response.Headers.CacheControl = "no-store";
    return Results.Text($"window.CORS_DEMO = {{ api: {System.Text.Json.JsonSerializer.Serialize(apiBase)} }};\n",
        "text/javascript; charset=utf-8");
});
app.UseDefaultFiles();                                     // wwwroot/index.html at "/"
app.UseStaticFiles();

app.Lifetime.ApplicationStarted.Register(() =>
    app.Logger.LogInformation("The page: {Urls} (it calls the API at {Api})", string.Join(", ", app.Urls), apiBase));
app.Run();

public partial class Program;
