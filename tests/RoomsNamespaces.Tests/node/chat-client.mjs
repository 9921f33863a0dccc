// The official socket.io-client (the repository's node_modules) in post 003's chat room, one line per event:
//   node chat-client.mjs <url> <name>
//     connect / disconnect <reason>        the socket's life
//     screen <line>                        what the room page would render for join, chat and leave
//     answer <event> <json>                the server's acknowledgement of our join, chat or leave
//   stdin: "join", "chat <msg>", "leave", "join-as <name>" (any name, e.g. an empty one); end of input exits.
import { io } from 'socket.io-client';

const [url = 'http://localhost:3000', name = '상민'] = process.argv.slice(2);
const socket = io(url, { transports: ['websocket'] });

socket.on('connect', () => console.log('connect'));
socket.on('disconnect', (reason) => console.log(`disconnect ${reason}`));
socket.on('join', (who) => console.log(`screen ${who} 님이 입장하셨습니다.`));
socket.on('chat', ({ name, msg }) => console.log(`screen ${name} : ${msg}`));
socket.on('leave', (who) => console.log(`screen ${who} 님이 퇴장하셨습니다.`));

const answer = (event) => (reply) => console.log(`answer ${event} ${JSON.stringify(reply)}`);

// Commands from the test, one per line.
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
  let end;
  while ((end = input.indexOf('\n')) >= 0) {
    const line = input.slice(0, end);
    input = input.slice(end + 1);
    if (line === 'join') socket.emit('join', name, answer('join'));
    else if (line.startsWith('join-as ')) socket.emit('join', line.slice(8), answer('join'));
    else if (line.startsWith('chat ')) socket.emit('chat', { name, msg: line.slice(5) }, answer('chat'));
    else if (line === 'leave') socket.emit('leave', name, answer('leave'));
    else console.log(`unknown command ${line}`);
  }
});
process.stdin.on('end', () => {
  socket.disconnect();
  process.exit(0);
});
