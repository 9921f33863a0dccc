// Connection state recovery as the official client sees it.
//   node sio-recovery.mjs <server url> <drop|goodbye>
// drop: the client's WebSocket is cut without a goodbye (as a phone in a tunnel); goodbye: socket.disconnect().
// An observer socket learns from the server when the loss was handled; then the client connects again.
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 20_000).unref();
const options = { forceNew: true, reconnection: false, transports: ["websocket"] };
const once = (emitter, event) => new Promise((resolve) => emitter.once(event, resolve));

const observer = io(url, { ...options, auth: { observer: true } });
await once(observer, "connect");
const handled = once(observer, "handled");

const socket = io(url, options);
socket.on("connect", () => print("connect", { id: socket.id, recovered: socket.recovered }));
socket.on("news", (text) => print("news", { text }));
socket.on("back", (info) => print("back", info));
socket.on("disconnect", (reason) => print("disconnect", { reason }));
await once(socket, "back");
// The server joins the room and sends "news" to it before answering: the client has an offset to resume from.
await socket.emitWithAck("join", "뉴스방");

if (mode === "drop") {
  socket.io.engine.transport.ws.terminate();   // the TCP connection goes, no close frame (ws's terminate)
} else {
  socket.disconnect();
}
print("handled", { reason: await handled });
const back = once(socket, "back");
socket.connect();
await back;
observer.close();
socket.close();
