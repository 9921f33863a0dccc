// The official Node server with the official Redis adapter, as the other member of a cluster:
//   node cluster-server.mjs <port> <redis-url>
// It serves the benchmark's events (join with ack, chat to a room, broadcast to all), and a few that let a test
// reach the cluster API: "fetch" answers with io.fetchSockets() as seen from here, "server-count" with the
// adapter's count, "broadcast-with-ack" with io.timeout(ms).emitWithAck("vote?") (the answers, or the error and the
// answers that came). Server-side emits: "ping" is answered with "pong from node"; every other one is printed.
// Prints {"listening":port} when ready; leaves when its input closes.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createClient } from "redis";
import { createAdapter } from "@socket.io/redis-adapter";
import { createInterface } from "node:readline";

const [port, redisUrl] = process.argv.slice(2);
const print = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const pub = createClient({ url: redisUrl });
const sub = pub.duplicate();
pub.on("error", (e) => print({ redis_error: e.message }));
sub.on("error", (e) => print({ redis_error: e.message }));
await Promise.all([pub.connect(), sub.connect()]);

const http = createServer();
const io = new Server(http, { adapter: createAdapter(pub, sub) });
io.on("connection", (socket) => {
  socket.data.server = "node";
  socket.on("join", (room, ack) => { socket.join(String(room)); ack?.(true); });
  socket.on("chat", (msg) => io.to(String(msg.room)).emit("chat", msg));
  socket.on("broadcast", (payload) => io.emit("news", payload));
  socket.on("fetch", async (room, ack) => {
    const sockets = await (room ? io.in(room) : io).fetchSockets();
    ack(sockets.map((s) => ({ id: s.id, rooms: [...s.rooms], data: s.data, query: s.handshake.query, auth: s.handshake.auth })));
  });
  socket.on("server-count", async (ack) => ack(await io.of("/").adapter.serverCount()));
  socket.on("broadcast-with-ack", async (ms, ack) => {
    try { ack({ answers: await io.timeout(ms).emitWithAck("vote?") }); }
    catch (e) { ack({ error: e.message, responses: e.responses }); }
  });
  socket.on("remote-join", (room, ack) => { io.socketsJoin(room); ack?.(true); });
  socket.on("server-side-emit", async (event, ack) => {
    try { ack({ answers: await io.serverSideEmitWithAck(event, "from node") }); }
    catch (e) { ack({ error: e.message }); }
  });
});
io.on("ping", (arg, callback) => callback(`pong from node (${arg})`));
io.on("hello", (...args) => print({ serverSideEmit: "hello", args }));

http.listen(Number(port), "127.0.0.1", () => print({ listening: Number(port) }));
createInterface({ input: process.stdin }).on("close", async () => {
  io.close();
  await Promise.allSettled([pub.quit(), sub.quit()]);
  process.exit(0);
});
