// A second client for the snapshot test: the official socket.io-client (from the repository's node_modules),
// connected to the app, printing one line per thing it sees:
//   connected                        the namespace CONNECT was acknowledged
//   frame 42["posts",{...}]          a message exactly as it travelled (Engine.IO "4" + Socket.IO "2" + JSON)
//   posts {...}                      the same event as the client's socket.on("posts") receives it
// It exits when its standard input closes (the test ends it that way).
//   connect_error <message>          the server refused the socket (no valid token)
//   node posts-listener.mjs http://127.0.0.1:8080 <token>
import { io } from 'socket.io-client';

const url = process.argv[2] ?? 'http://localhost:8080';
const token = process.argv[3];
// WebSocket only: one WebSocket frame per message, so "frame" lines are exactly the frames on the wire.
// The login token travels in the handshake's auth, as the page sends it: io({ auth: { token } }).
const socket = io(url, { transports: ['websocket'], reconnection: false, auth: token ? { token } : {} });

socket.io.on('open', () => {
  socket.io.engine.on('packet', (packet) => {
    if (packet.type === 'message') console.log(`frame 4${packet.data}`);
  });
});
socket.on('connect', () => console.log('connected'));
socket.on('connect_error', (error) => console.log(`connect_error ${error.message}`));
socket.on('posts', (data) => console.log(`posts ${JSON.stringify(data)}`));
socket.on('disconnect', (reason) => console.log(`disconnect ${reason}`));

process.stdin.resume();
process.stdin.on('end', () => {
  socket.close();
  process.exit(0);
});
