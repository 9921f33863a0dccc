// A CONNECT that a namespace middleware never lets through: the server closes the connection after its
// connectTimeout, as Node's client.ts does. Prints one JSON line per observation.
//   node sio-stuck.mjs <server url> <websocket|polling>
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 20_000).unref();

const socket = io(new URL("/stuck", url).href, { forceNew: true, reconnection: false, transports: [mode] });
socket.on("connect", () => print("connect"));
socket.io.on("open", () => print("open", { transport: socket.io.engine.transport.name }));
const reason = await new Promise((resolve) => socket.once("disconnect", resolve));
print("disconnect", { reason, connected: socket.connected, active: socket.active });
socket.close();
