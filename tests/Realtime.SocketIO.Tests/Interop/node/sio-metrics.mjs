// The official client's default path, long-polling then the upgrade to WebSocket, for the metrics test: once connected
// and upgraded it asks the server (an acked "upgraded" event) to read its instruments, prints the answer, and leaves.
//   node sio-metrics.mjs <server url>
import { io } from "socket.io-client";

const [url] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 20_000).unref();

const socket = io(url, { forceNew: true, reconnection: false });
socket.on("connect_error", (err) => { print("error", { what: err.message }); process.exit(1); });
// The manager's "open" comes before the engine starts probing: listen for the upgrade there, or a fast upgrade (it
// can finish before "connect") would be missed.
const upgraded = new Promise((resolve) => socket.io.once("open", () => {
  print("open", { transport: socket.io.engine.transport.name });
  socket.io.engine.once("upgrade", (transport) => resolve(transport.name));
}));
const connected = new Promise((resolve) => socket.once("connect", resolve));

const transport = await upgraded;
await connected;
const seen = await socket.timeout(15_000).emitWithAck("upgraded", transport);
print("upgraded", { transport, seen });
socket.disconnect();
