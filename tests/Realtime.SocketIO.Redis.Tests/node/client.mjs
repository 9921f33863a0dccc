// An official socket.io-client driven by a test: node client.mjs <url> [transport] [answer]
// Prints one JSON object per line: {"connected":id}, {"event":name,"args":[...]} for every event it receives, and
// {"ack":[...]} for the answer to an emit it asked an ack for. Commands come on standard input, one JSON per line:
// {"emit":["chat",{"room":"r1"}]} or {"emitWithAck":["join","r1"]}. It leaves when its input closes. Given an answer, it
// answers every event that asks for an acknowledgement with it.
import { io } from "socket.io-client";
import { createInterface } from "node:readline";

const [url, transport, answer] = process.argv.slice(2);
const print = (o) => process.stdout.write(JSON.stringify(o) + "\n");
// Binary arrives as Buffer in Node; print it as {"$binary": "<base64>"} so the test can read it.
const plain = (v) =>
  Buffer.isBuffer(v) || v instanceof ArrayBuffer ? { $binary: Buffer.from(v).toString("base64") }
  : Array.isArray(v) ? v.map(plain)
  : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
  : v;

const socket = io(url, { transports: transport ? [transport] : ["websocket"], reconnection: false });
socket.on("connect", () => print({ connected: socket.id }));
socket.on("connect_error", (e) => print({ connect_error: e.message }));
socket.on("disconnect", (reason) => print({ disconnect: reason }));
socket.onAny((event, ...args) => {
  const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
  print({ event, args: plain(args) });
  if (ack && answer !== undefined) ack(answer);
});

createInterface({ input: process.stdin })
  .on("line", async (line) => {
    const command = JSON.parse(line);
    if (command.emit) socket.emit(...command.emit);
    if (command.emitWithAck) print({ ack: plain([await socket.emitWithAck(...command.emitWithAck)]) });
  })
  .on("close", () => { socket.close(); process.exit(0); });
