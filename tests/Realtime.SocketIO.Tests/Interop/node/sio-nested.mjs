// Binary inside objects and arrays, both ways: socket.io-parser replaces each Buffer by a placeholder and sends the
// bytes as attachments. Prints one JSON line per observation.
//   node sio-nested.mjs <server url> <websocket|polling>
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const print = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
setTimeout(() => { print("error", { what: "timeout" }); process.exit(1); }, 20_000).unref();
const socket = io(url, { forceNew: true, reconnection: false, transports: [mode] });
await new Promise((resolve) => socket.once("connect", resolve));

const album = {
  title: "여행",
  photos: [
    { name: "a.jpg", data: Buffer.from([1, 2, 3]) },
    { name: "b.jpg", data: Buffer.from([0xff, 0x00]) },
  ],
  cover: Buffer.from("표지", "utf8"),
};
const summary = await socket.timeout(15_000).emitWithAck("album", album);
print("album-ack", { summary });

const back = await socket.timeout(15_000).emitWithAck("album-back");
const hex = (b) => Buffer.from(b).toString("hex");
print("album-back", {
  title: back.title,
  photos: back.photos.map((p) => ({ name: p.name, data: hex(p.data), isBinary: Buffer.isBuffer(p.data) || p.data instanceof ArrayBuffer })),
  cover: Buffer.from(back.cover).toString("utf8"),
});
socket.disconnect();
