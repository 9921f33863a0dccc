// Official socket.io-client (Node) clients driven by a test, one JSON command per stdin line:
//   {"cmd":"connect","name":"민수","cookie":"authorization=Bearer%20..."}   (cookie optional: a guest)
//   {"cmd":"connect","name":"evil","cookie":"...","origin":"http://evil.example"}   (the Origin a page elsewhere would send)
//   {"cmd":"emit","name":"민수","event":"BUY","data":{...},"ack":true}
//   {"cmd":"close","name":"민수"}            {"cmd":"exit"}
// Prints one line per thing that happened, in order, per client:
//   <name> → <frame>  /  <name> ← <frame>    every Engine.IO frame sent / received (heartbeats left out)
//   <name> connected <engine sid> <socket id>
//   <name> event <EVENT> <json>              every event received
//   <name> ack <json>                         the answer to an emit with "ack": true
//   <name> closed  /  <name> error <message>
// Usage: node socket-clients.cjs <base url>
const { io } = require("socket.io-client");
const readline = require("node:readline");

const url = process.argv[2];
const frameType = { open: 0, close: 1, ping: 2, pong: 3, message: 4, upgrade: 5, noop: 6 };
const clients = new Map();
const say = (line) => process.stdout.write(line + "\n");

function connect(name, cookie, origin) {
  const socket = io(url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    // What a browser does by itself: send the shop's cookie with the handshake, and the Origin of the page.
    extraHeaders: { ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) },
  });
  const engine = socket.io.engine; // created synchronously, so even the open frame is seen
  const heartbeat = (p) => p.type === "ping" || p.type === "pong";
  engine.on("packetCreate", (p) => { if (!heartbeat(p)) say(`${name} → ${frameType[p.type]}${p.data ?? ""}`); });
  engine.on("packet", (p) => { if (!heartbeat(p)) say(`${name} ← ${frameType[p.type]}${p.data ?? ""}`); });
  socket.on("connect", () => say(`${name} connected ${engine.id} ${socket.id}`));
  socket.on("connect_error", (error) => say(`${name} error ${error.message}`));
  socket.onAny((event, ...args) => say(`${name} event ${event} ${args.map((a) => JSON.stringify(a)).join(" ")}`));
  clients.set(name, socket);
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const command = JSON.parse(line);
  const socket = clients.get(command.name);
  switch (command.cmd) {
    case "connect":
      connect(command.name, command.cookie, command.origin);
      break;
    case "emit":
      if (command.ack) socket.emit(command.event, command.data, (answer) => say(`${command.name} ack ${JSON.stringify(answer)}`));
      else socket.emit(command.event, command.data);
      break;
    case "close":
      socket.disconnect();
      say(`${command.name} closed`);
      break;
    case "exit":
      process.exit(0);
  }
}).on("close", () => process.exit(0)); // the test closed our input: leave
