// A middleware refusal and a server-side disconnect as the official client sees them.
//   node sio-refusal.mjs <server url> <websocket|polling>
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 20_000).unref();
const options = { forceNew: true, reconnection: false, transports: [mode] };

// Refused: connect_error carries the message and the error's data.
const refused = io(url, { ...options, auth: { token: "bad" } });
const error = await new Promise((resolve) => refused.once("connect_error", resolve));
print("connect_error", { message: error.message, data: error.data, active: refused.active });
refused.close();

// Accepted, then disconnected by the server: "io server disconnect", and the client does not reconnect by itself.
const accepted = io(url, { ...options, auth: { token: "good" } });
await new Promise((resolve) => accepted.once("connect", resolve));
print("connect", { transport: accepted.io.engine.transport.name });
const reason = new Promise((resolve) => accepted.once("disconnect", resolve));
accepted.emit("kick-me");
print("disconnect", { reason: await reason, active: accepted.active });
accepted.close();

