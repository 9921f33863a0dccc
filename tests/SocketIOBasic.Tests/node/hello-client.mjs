// Post 004's page as a Node script (official socket.io-client): on connect, send("Hello!"); print what arrives.
//   node hello-client.mjs <url>
//     connect / message <data> / customEventName <data> / disconnect <reason>
//   Exits when its standard input ends.
import { io } from 'socket.io-client';

const socket = io(process.argv[2] ?? 'http://localhost:3000', { reconnection: false });

socket.on('connect', () => {
  console.log('connect');
  socket.send('Hello!');           // emit("message", "Hello!"): message is the default event
});
socket.on('connect_error', (error) => console.log(`connect_error ${error.message}`));
socket.on('message', (data) => console.log(`message ${data}`));
socket.on('customEventName', (data) => console.log(`customEventName ${data}`));
socket.on('disconnect', (reason) => console.log(`disconnect ${reason}`));

process.stdin.resume();
process.stdin.on('end', () => {
  socket.close();
  process.exit(0);
});
