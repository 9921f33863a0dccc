// The official client's default path, long-polling then the upgrade to WebSocket, for the metrics test: once upgraded
// it asks the server (an acked "upgraded" event) to read its instruments, prints the answer, and leaves.
//   node sio-metrics.mjs <server url>
import { io } from "socket.io-client";

const [url] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 20_000).unref();

const socket = io(url, { forceNew: true, reconnection: false });
socket.on("connect", () => {
  print("connect", { transport: socket.io.engine.transport.name });
  socket.io.engine.once("upgrade", async (transport) => {
    const seen = await socket.timeout(15_000).emitWithAck("upgraded", transport.name);
    print("upgraded", { transport: transport.name, seen });
    socket.disconnect();
    socket.io.engine.close();
  });
});
socket.on("connect_error", (err) => { print("error", { what: err.message }); process.exit(1); });
