// Many dynamic namespaces (io.of(/^\/room-\d+$/) on the server), each joined and left by the official client, then
// the first one joined again. Prints one JSON line per observation.
//   node sio-dynamic-cleanup.mjs <server url> <websocket|polling> <count>
import { io } from "socket.io-client";

const [url, mode, count] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 25_000).unref();

const visit = async (name) => {
  const socket = io(new URL(name, url).href, { forceNew: true, reconnection: false, transports: [mode] });
  await new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("connect_error", reject); });
  const welcome = await socket.timeout(15_000).emitWithAck("where");
  socket.disconnect();
  return welcome;
};

const welcomes = [];
for (let i = 0; i < Number(count); i++) welcomes.push(await visit(`/room-${i}`));
print("visited", { welcomes });
print("again", { welcome: await visit("/room-0") });
