// Namespaces created on demand by a pattern (io.of(/^\/room-\d+$/) in Node): a name that matches connects, one that
// does not gets connect_error "Invalid namespace". Prints one JSON line per observation.
//   node sio-dynamic.mjs <server url> <websocket|polling>
import { io, Manager } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 20_000).unref();
const manager = new Manager(url, { reconnection: false, transports: [mode] });

const room = manager.socket("/room-42");
await new Promise((resolve) => room.once("connect", resolve));
print("room-connect", { welcome: (await room.timeout(15_000).emitWithAck("where")) });

const wrong = manager.socket("/room-x");
const error = await new Promise((resolve) => wrong.once("connect_error", resolve));
print("wrong-connect_error", { message: error.message, roomStillConnected: room.connected });

room.disconnect();
