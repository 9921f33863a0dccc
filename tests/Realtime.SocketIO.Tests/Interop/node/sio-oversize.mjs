// One client sends more than the server's maxHttpBufferSize (1 MB by default): the server drops that connection;
// another client on the same server keeps working. Prints one JSON line per observation.
//   node sio-oversize.mjs <server url> <websocket|polling>
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 20_000).unref();
const options = { forceNew: true, reconnection: false, transports: [mode] };
const connected = (socket) => new Promise((resolve) => socket.once("connect", resolve));

const greedy = io(url, options);
const polite = io(url, options);
await Promise.all([connected(greedy), connected(polite)]);
print("connected", { transports: [greedy.io.engine.transport.name, polite.io.engine.transport.name] });

const dropped = new Promise((resolve) => greedy.once("disconnect", resolve));
greedy.emit("big", "x".repeat(1_200_000));
print("greedy-disconnect", { reason: await dropped });

const answer = await polite.timeout(15_000).emitWithAck("question", "아직 되나요?");
print("polite-ack", { answer, connected: polite.connected });
polite.disconnect();
