// An official socket.io-client a test drives line by line (EmitSideTests):
//   node sio-peer.mjs <server url> <websocket|polling> [answer]
// Prints one JSON object per line: {"connected":id,"transport":…} once connected, then {"event":name,"args":[…],"ack":bool}
// for every event it receives. When an event asks for an acknowledgement and an answer was given, it answers with it and
// then emits "answered" (which reaches the server after the answer). An answer "later:<text>" keeps the acks until the
// command {"answerNow":true}. Commands come on standard input, one JSON per line: {"emit":["join","r1"]}. It leaves
// when its input closes.
import { io } from "socket.io-client";
import { createInterface } from "node:readline";

const [url, transport, answer] = process.argv.slice(2);
const later = answer?.startsWith("later:") ? answer.slice("later:".length) : undefined;
const kept = [];
const print = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const socket = io(url, { transports: [transport], reconnection: false, forceNew: true });
socket.on("connect", () => print({ connected: socket.id, transport: socket.io.engine.transport.name }));
socket.on("connect_error", (e) => print({ connect_error: e.message }));
socket.on("disconnect", (reason) => print({ disconnect: reason }));
socket.onAny((event, ...args) => {
  const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
  print({ event, args, ack: ack !== null });
  if (ack && later !== undefined) kept.push(ack);
  else if (ack && answer !== undefined) {
    ack(answer);
    socket.emit("answered", event);
  }
});

createInterface({ input: process.stdin })
  .on("line", (line) => {
    const command = JSON.parse(line);
    if (command.emit) socket.emit(...command.emit);
    if (command.answerNow) for (const ack of kept.splice(0)) ack(later);
  })
  .on("close", () => { socket.close(); process.exit(0); });
