// Interop check with the official Node client (engine.io-client 6.6.8 from the repo's node_modules).
// Usage: node eio-echo-client.mjs <base url> <polling|websocket|upgrade>
// Prints one JSON object per line; the .NET test asserts on them. Exits 0 after the close, 1 on timeout.
import { Socket } from "engine.io-client";

const [baseUrl, mode] = process.argv.slice(2);
const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] }[mode];
if (!baseUrl || !transports) {
  console.error("usage: node eio-echo-client.mjs <base url> <polling|websocket|upgrade>");
  process.exit(2);
}

const print = (event) => console.log(JSON.stringify(event));
const timer = setTimeout(() => { print({ event: "timeout" }); process.exit(1); }, 15000);

const socket = new Socket(baseUrl, { path: "/engine.io/", transports, upgrade: mode === "upgrade" });
const expected = [];   // echoes we still wait for, in order

let upgradedBatchSent = false;

function send(data) {
  expected.push(data);
  print({ event: "sent", transport: socket.transport.name, ...describe(data) });
  socket.send(data);
}

function describe(data) {
  return typeof data === "string"
    ? { kind: "text", text: data }
    : { kind: "binary", hex: Buffer.from(data).toString("hex") };
}

function sendBatch() {
  send("hello é 😀 over " + socket.transport.name);
  send(Buffer.from([1, 2, 3, 4, 255]));
}

socket.on("open", () => {
  print({ event: "open", transport: socket.transport.name, sidLength: socket.id.length });
  sendBatch();
});

socket.on("upgrade", (transport) => {
  print({ event: "upgrade", transport: transport.name });
  sendBatch();
  upgradedBatchSent = true;
});

socket.on("message", (data) => {
  const wanted = expected.shift();
  const got = describe(data);
  print({ event: "echo", transport: socket.transport.name, ...got, matches: JSON.stringify(describe(wanted)) === JSON.stringify(got) });
  // In upgrade mode, finish only after the batch sent over the upgraded WebSocket came back too.
  const done = expected.length === 0 && (mode !== "upgrade" || upgradedBatchSent);
  if (done) socket.close();
});

socket.on("error", (err) => print({ event: "error", message: String(err && err.message || err) }));

socket.on("close", (reason) => {
  print({ event: "close", reason });
  // Let the client finish sending its close packet; node exits once nothing is pending.
  clearTimeout(timer);
});
