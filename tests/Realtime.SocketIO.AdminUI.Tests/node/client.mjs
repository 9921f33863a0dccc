// The official socket.io-client, as the dashboard or an app's page uses it:
//   node client.mjs <url with namespace> [auth json] [extra headers json, e.g. {"origin":"http://elsewhere"}]
// Prints one JSON object per line: {"connected":id}, {"connect_error":message}, {"disconnect":reason} and
// {"event":name,"args":[...]} for every event received. Commands on standard input, one JSON per line:
// {"emit":["chat","hi"]}. It leaves when its input closes.
import { io } from "socket.io-client";
import { createInterface } from "node:readline";

const [url, auth, headers] = process.argv.slice(2);
const print = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const socket = io(url, {
  transports: ["websocket"],
  reconnection: false,
  auth: auth ? JSON.parse(auth) : {},
  extraHeaders: headers ? JSON.parse(headers) : {},
});
socket.on("connect", () => print({ connected: socket.id }));
socket.on("connect_error", (e) => print({ connect_error: e.message }));
socket.on("disconnect", (reason) => print({ disconnect: reason }));
socket.onAny((event, ...args) => print({ event, args }));

createInterface({ input: process.stdin })
  .on("line", (line) => {
    const command = JSON.parse(line);
    if (command.emit) socket.emit(...command.emit);
  })
  .on("close", () => { socket.close(); process.exit(0); });
