// Step 05: the page, served from http://localhost:3000. The API it calls lives at http://localhost:8080: another
// port, so another origin, so every fetch and socket request it makes is cross-origin.
using Cors.Web;
using Workshop.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseWorkshopDefaults(port: 3000);                   // the React dev server's port in post 000
ApiOrigins.Read(builder.Configuration);                    // a bad Cors:Api or Cors:OtherApis stops the app here
var app = builder.Build();
// The page reads the API's address from here, and the API origins it may be pointed at with ?api=... in its URL:
// Cors:Api (the default) and Cors:OtherApis, nothing else. Read on each request, so a changed setting applies at once.
app.MapGet("/config.js", (HttpResponse response, IConfiguration config) =>
{
    var (api, apis) = ApiOrigins.Read(config);
    response.Headers.CacheControl = "no-store";
    return Results.Text($"window.CORS_DEMO = {System.Text.Json.JsonSerializer.Serialize(new { api, apis })};\n",
        "text/javascript; charset=utf-8");
});
app.UseDefaultFiles();                                     // wwwroot/index.html at "/"
app.UseStaticFiles();

app.OnListening(on =>
    app.Logger.LogInformation("The page: {Urls} (it calls the API at {Api})", on.Urls, ApiOrigins.Read(app.Configuration).Api));
app.Run();
