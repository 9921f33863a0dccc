// Server-side io.once("connection") and io.off("connection", listener), seen by three official clients one after
// the other: each prints what the server emitted to it before its "ready" (the last connection handler's emit).
//   node sio-connection-once.mjs <server url> <websocket|polling>
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 20_000).unref();

const visit = async (name, last) => {
  const socket = io(url, { forceNew: true, reconnection: false, transports: [mode] });
  const heard = [];
  socket.onAny((event, text) => heard.push(`${event}: ${text}`));
  await new Promise((resolve) => socket.once("ready", resolve));
  if (last) await socket.timeout(15_000).emitWithAck("stop-greeting");
  socket.disconnect();
  print(name, { heard });
};
await visit("first", false);
await visit("second", true);
await visit("third", false);
