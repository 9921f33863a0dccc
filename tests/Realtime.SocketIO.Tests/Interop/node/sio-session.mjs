// The official Node client (socket.io-client from the repository's node_modules) runs one session against the
// C# server and prints one JSON line per observation; NodeClientTests.cs asserts on them.
//   node sio-session.mjs <server url> <default|websocket|polling>
// default: the client's own transports (HTTP long-polling, then an upgrade to WebSocket); the session waits for the
// upgrade before it starts, so every line after it travels over the WebSocket (a deterministic transcript).
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
const fail = (what) => { print("error", { what }); process.exit(1); };
setTimeout(() => fail("the session took longer than 20 s"), 20_000).unref();

const options = { forceNew: true, reconnection: false, timeout: 15_000 };
if (mode === "websocket") options.transports = ["websocket"];
if (mode === "polling") options.transports = ["polling"];

const socket = io(url, options);
const transport = () => socket.io.engine.transport.name;
const next = (target, name) => new Promise((resolve) => target.once(name, (...args) => resolve(args)));
const connected = (target) => new Promise((resolve, reject) => {
  target.once("connect", resolve);
  target.once("connect_error", (err) => reject(new Error(`connect_error: ${err.message}`)));
});

// The transport the connection opened with, and the upgrade, which can finish before or after the namespace's
// CONNECT is acknowledged (so it is printed after "connect", whenever it happened): listen from the moment it opens.
let openedOver;
const upgraded = new Promise((resolve) => socket.io.once("open", () => {
  openedOver = transport();
  socket.io.engine.once("upgrade", (t) => resolve(t.name));
}));

try {
  await connected(socket);
  print("connect", { openedOver, id: socket.id });
  if (mode === "default") print("upgrade", { transport: await upgraded });

  // Events both ways.
  const helloBack = next(socket, "hello-back");
  socket.emit("hello", { name: "김철수", count: 1 });
  const [greeting] = await helloBack;
  print("hello-back", { transport: transport(), greeting });

  // Client → server acknowledgement: the C# handler's return value.
  const answer = await socket.timeout(15_000).emitWithAck("question", "잘 들리나요?");
  print("question-ack", { transport: transport(), answer });

  // Server → client acknowledgement: the server awaits EmitWithAckAsync("whoAreYou") and tells what came back.
  socket.on("whoAreYou", (question, callback) => {
    print("whoAreYou", { transport: transport(), question });
    callback(`Node 클라이언트입니다. (${question})`);
  });
  const interviewed = next(socket, "interviewed");
  socket.emit("interview-me");
  print("interviewed", { transport: transport(), answer: (await interviewed)[0] });

  // Binary both ways: 1000 bytes with every byte value; the server sends them back reversed, then in an ack.
  const photo = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
  const download = next(socket, "download");
  socket.emit("upload", "photo.bin", photo);
  const [name, data] = await download;
  const bytes = Buffer.from(data);
  print("download", { transport: transport(), name, length: bytes.length, reversed: bytes.equals(Buffer.from(photo).reverse()), head: bytes.subarray(0, 4).toString("hex") });
  const checksum = await socket.timeout(15_000).emitWithAck("checksum", photo);
  print("checksum-ack", { transport: transport(), length: checksum.length, same: Buffer.from(checksum.data).equals(photo) });

  // A second namespace on the same connection (the Manager multiplexes it).
  const goods = socket.io.socket("/goods");
  await connected(goods);
  print("goods-connect", { transport: transport(), nsp: goods.nsp, sameManager: goods.io === socket.io, otherId: goods.id !== socket.id });
  const bought = await goods.timeout(15_000).emitWithAck("buy", "사과");
  print("buy-ack", { transport: transport(), answer: bought });

  // Leave: each socket says why it disconnected; the Manager closes the connection once both have left.
  goods.on("disconnect", (reason) => print("goods-disconnect", { reason }));
  socket.on("disconnect", (reason) => print("disconnect", { reason }));
  const closed = next(socket.io.engine, "close");
  goods.disconnect();
  socket.disconnect();
  print("engine-close", { reason: (await closed)[0] });
} catch (err) {
  fail(String(err));
}
