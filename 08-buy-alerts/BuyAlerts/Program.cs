using BuyAlerts.Api;
using BuyAlerts.Auth;
using BuyAlerts.Data;
using BuyAlerts.Hosting;
using BuyAlerts.Realtime;
using Workshop.Hosting;

// Step 08 (post 004, "실시간 구매 알림 기능 구현"): the shop's REST API, its pages and Socket.IO on one port.
// The post's sock.on("BUY", ...) and io.emit("BUY_GOODS") → Realtime/ShopSocket.cs (OnConnection); the alert: PurchaseAlerts.cs.
// Unlike the post, a BUY must name an order just placed (POST /api/orders, Api/OrdersApi.cs): README "What this port fixes".
var builder = WebApplication.CreateBuilder(args);
builder.UseWorkshopDefaults(port: 3000);                                      // const port = 3000;
builder.Services.AddShopDatabase(builder.Configuration, builder.Environment); // connect(); (SQLite, not MongoDB)
builder.Services.AddShopAuth(builder.Configuration, builder.Environment);     // JWT from the cookie or the header, checked against its session
builder.Services.AddSignInLimits();                                           // 10 sign-in (and sign-up) attempts a minute per address
builder.Services.AddShopProxy();                                              // behind nginx: the client's address and https from X-Forwarded-*
builder.Services.AddJsonBadRequests();
builder.Services.AddSocketIO()                                                // const io = socketIo(http);
    .AddRedisIfConfigured(builder.Configuration);                             // --Redis=host:port: io.adapter(createAdapter(pub, sub)), README "More than one server"
builder.Services.AddShopOriginCheck();                                        // a WebSocket only from the shop's own pages (the cookie goes with any)
builder.Services.AddSingleton<PurchaseAlerts>().AddSingleton<PageViewers>().AddSingleton<ShopSocket>();

var app = builder.Build();
app.UseForwardedHeaders();
app.UseJsonBadRequests();                                                     // app.use(express.json());
app.UseDefaultFiles();
app.UseStaticFiles();                                                         // app.use(express.static("assets"));
app.UseAuthentication();                                                      // also runs for the socket handshake
app.UseAuthorization();
app.UseRateLimiter();
app.MapGroup("/api").MapGoodsApi().MapCartApi().MapOrdersApi().MapUsersApi().MapAuthApi(); // app.use("/api", [goodsRouter, ...]);

var io = app.MapSocketIO("/socket.io").Server;                                // also serves /socket.io/socket.io.js
io.On("connection", app.Services.GetRequiredService<ShopSocket>().OnConnection); // io.on("connection", (sock) => {...});

app.EnsureShopDatabase();
app.OnListening(on => app.Logger.LogInformation("{Port} 포트로 서버가 열렸어요!", on.Port)); // http.listen(port, () => console.log(...));
app.Run();
