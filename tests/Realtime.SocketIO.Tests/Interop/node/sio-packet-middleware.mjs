// Per-packet middleware (socket.use on the server) as the official client sees it: rewritten events answer with
// what the middleware left, a refused event is answered only by what the server's "error" handler emits, and its
// acknowledgement never comes. Prints one JSON line per observation.
//   node sio-packet-middleware.mjs <server url> <websocket|polling>
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 20_000).unref();

const socket = io(url, { forceNew: true, reconnection: false, transports: [mode] });
await new Promise((resolve) => socket.once("connect", resolve));
const ask = (...args) => socket.timeout(15_000).emitWithAck(...args);

// Rewritten arguments, a renamed event, binary rewritten, an asynchronous middleware.
print("shout", { answer: await ask("shout", "안녕하세요") });
print("renamed", { answer: await ask("old-name", 41) });
const bytes = await ask("bytes", Buffer.from([1, 2, 3]));
print("bytes", { answer: [...bytes] });
print("slow", { answer: await ask("slow", "느린 검사") });

// Refused: the server's "error" handler emits "refused"; the event's own ack is never called. The next answer
// arrives after anything the server could have sent for the refused event (one connection, in order).
let secretAnswered = false;
const refused = new Promise((resolve) => socket.once("refused", resolve));
socket.emit("secret", "비밀", () => { secretAnswered = true; });
print("refused", { message: await refused });
let ignoredAnswered = false;
socket.emit("ignored", () => { ignoredAnswered = true; });
print("after", { answer: await ask("shout", "다음") , secretAnswered, ignoredAnswered });

// The pattern of Node's docs: the "error" handler disconnects the socket.
const reason = new Promise((resolve) => socket.once("disconnect", resolve));
socket.emit("forbidden");
print("disconnect", { reason: await reason });
socket.close();
