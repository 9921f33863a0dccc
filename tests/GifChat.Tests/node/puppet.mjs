// Socket.IO clients driven by the .NET tests, with the official socket.io-client from the repo's node_modules.
// Usage: node puppet.mjs <base url>
// Reads one JSON command per line on stdin:
//   {"op":"connect","name":"A","nsp":"/chat","cookie":"gifchat.sid=...","wire":true}
//       optional "origin":"http://evil.example" (the Origin header a page on that origin would send),
//       "transports":["websocket"]
//       a new client (its own connection); with "wire", also its Engine.IO message packets as they travel:
//       {"who":"A","wire":"↑ 40/chat,"} (sent) and {"who":"A","wire":"↓ 42/chat,[...]"} (received)
//   {"op":"emit","name":"A","event":"join","args":["1"],"ack":true}        emit, printing the acknowledgement
//   {"op":"close","name":"A"}                                              disconnect
// Prints one JSON line per thing that happens: {"who":"A","event":"members","args":[...]}, and {"ready":true} first.
import { io } from "socket.io-client";
import readline from "node:readline";

const base = process.argv[2];
const sockets = new Map();
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

function connect({ name, nsp, cookie, origin, transports, wire }) {
  const socket = io(base + nsp, {
    forceNew: true,                                        // one connection per person, each with its own cookie
    reconnection: false,
    autoConnect: false,                                    // so the wire listener below is in place first
    transports: transports ?? ["polling", "websocket"],
    // In Node the cookie (and a page's Origin) must be given; a browser sends both itself.
    extraHeaders: { ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) },
  });
  if (wire) {
    // Engine.IO message packets (type 4) carry the Socket.IO packets; pings, pongs and the upgrade probe are left out.
    socket.io.on("open", () => {
      const engine = socket.io.engine;
      engine.on("packetCreate", (p) => p.type === "message" && print({ who: name, wire: "↑ 4" + p.data }));
      engine.on("packet", (p) => p.type === "message" && print({ who: name, wire: "↓ 4" + p.data }));
    });
  }
  socket.on("connect", () => print({ who: name, event: "connect", id: socket.id }));
  socket.on("connect_error", (err) => print({ who: name, event: "connect_error", args: [err.message] }));
  socket.on("disconnect", (reason) => print({ who: name, event: "disconnect", args: [reason] }));
  socket.onAny((event, ...args) => print({ who: name, event, args }));
  sockets.set(name, socket);
  socket.connect();
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const command = JSON.parse(line);
  const socket = sockets.get(command.name);
  switch (command.op) {
    case "connect":
      connect(command);
      break;
    case "emit":
      if (command.ack) {
        socket.emit(command.event, ...command.args, (answer) => print({ who: command.name, event: "ack " + command.event, args: [answer] }));
      } else {
        socket.emit(command.event, ...command.args);
      }
      break;
    case "close":
      socket.disconnect();
      break;
    case "exit":
      process.exit(0);
  }
});
print({ ready: true });
