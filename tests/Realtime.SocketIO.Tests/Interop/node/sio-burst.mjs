// Many packets at once, both ways, text and binary mixed: over polling they are batched into payloads (one HTTP
// body, records separated by \x1e), over WebSocket one frame each. Prints one JSON line per check.
//   node sio-burst.mjs <server url> <websocket|polling> <count>
import { io } from "socket.io-client";

const [url, mode, countText] = process.argv.slice(2);
const count = Number(countText);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 20_000).unref();

const socket = io(url, { forceNew: true, reconnection: false, transports: [mode] });
const payload = (i) => (i % 3 === 0 ? Buffer.from([i & 0xff, 0x00, 0xff]) : `메시지 ${i} 😀`);
const same = (a, b) => (typeof b === "string" ? a === b : Buffer.from(a).equals(b));

// Server → client: the server sends count "seq" events as fast as it can when asked.
const received = [];
const allReceived = new Promise((resolve) => socket.on("seq", (i, value) => {
  received.push([i, value]);
  if (received.length === count) resolve();
}));

socket.on("connect", async () => {
  // Client → server: count "in" events in one synchronous loop (polling sends them as one or a few payloads).
  for (let i = 0; i < count; i++) socket.emit("in", i, payload(i));
  const tally = await socket.timeout(15_000).emitWithAck("tally");
  print("server-received", { transport: socket.io.engine.transport.name, ...tally });

  socket.emit("send-burst", count);
  await allReceived;
  print("client-received", {
    transport: socket.io.engine.transport.name,
    count: received.length,
    inOrder: received.every(([i], index) => i === index),
    intact: received.every(([i, value]) => same(value, payload(i))),
  });
  socket.disconnect();

});
socket.on("connect_error", (err) => { print("error", { what: err.message }); process.exit(1); });
