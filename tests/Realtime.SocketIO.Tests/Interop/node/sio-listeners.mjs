// The server's EventEmitter listener API (once, off, prependAny, offAny, listenersAny) driven by the official
// client: it emits, then asks the server what its handlers saw. Prints one JSON line per observation.
//   node sio-listeners.mjs <server url> <websocket|polling>
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 20_000).unref();

const socket = io(url, { forceNew: true, reconnection: false, transports: [mode] });
await new Promise((resolve) => socket.once("connect", resolve));
const ask = (...args) => socket.timeout(15_000).emitWithAck(...args);

socket.emit("say", "하나");
socket.emit("say", "둘");
print("first-question", { answer: await ask("question", "처음") });
let secondAnswered = false;
socket.emit("question", "두 번째", () => { secondAnswered = true; });
print("off", await ask("stop-listening"));
socket.emit("say", "셋");
print("report", { seen: await ask("report"), secondAnswered });
socket.close();
