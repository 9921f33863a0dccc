// The official socket.io-client (the repository's node_modules) doing what step 03's page does, one line per event:
//   node news-client.mjs <url> [--websocket] [--news N] [--reconnect]
//     connect <id> / disconnect <reason>            the socket's life
//     transport <name> / upgrade <name>             the Engine.IO transport (polling first, unless --websocket)
//     news <data> / reply <data>                    each news received, and the reply emitted for it
//     reconnect_attempt <n> / reconnect <n>         automatic reconnection (--reconnect: retry every 50-100 ms)
//     answer <text> / interviewed <text>            acknowledgements (stdin commands below)
//   --news N: after the Nth news (and its reply), disconnect.
//   stdin: "ask <question>" (emit with an ack), "interview" (the server asks us back), "disconnect"; end of input exits.
import { io } from 'socket.io-client';

const [url = 'http://localhost:8005', ...flags] = process.argv.slice(2);
const flag = (name) => flags.includes(name);
const newsLimit = flags.includes('--news') ? Number(flags[flags.indexOf('--news') + 1]) : Infinity;

const socket = io(url, {
  path: '/socket.io',
  transports: flag('--websocket') ? ['websocket'] : ['polling', 'websocket'],
  reconnection: flag('--reconnect'),
  reconnectionDelay: 50,
  reconnectionDelayMax: 100,
});

socket.io.on('open', () => {
  const engine = socket.io.engine;
  console.log(`transport ${engine.transport.name}`);
  engine.on('upgrade', (transport) => console.log(`upgrade ${transport.name}`));
});
socket.io.on('reconnect_attempt', (n) => console.log(`reconnect_attempt ${n}`));
socket.io.on('reconnect', (n) => console.log(`reconnect ${n}`));

socket.on('connect', () => console.log(`connect ${socket.id}`));
socket.on('connect_error', (error) => console.log(`connect_error ${error.message}`));
// No process.exit() here: after disconnect() the client still has to flush what it wrote (the replies, then the
// DISCONNECT packet) before it closes the connection. The test ends the script by closing its input.
socket.on('disconnect', (reason) => console.log(`disconnect ${reason}`));

let news = 0;
socket.on('news', (data) => {
  if (news >= newsLimit) return;
  news++;
  console.log(`news ${data}`);
  socket.emit('reply', 'Hello Node.JS');
  console.log('reply Hello Node.JS');
  if (news === newsLimit) socket.disconnect();   // the reply is sent first: packets keep their order
});

socket.on('whoAreYou', (callback) => callback('Node 클라이언트입니다.'));

// Commands from the test, one per line.
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
  let end;
  while ((end = input.indexOf('\n')) >= 0) {
    const line = input.slice(0, end).trim();
    input = input.slice(end + 1);
    if (line.startsWith('ask ')) {
      socket.timeout(5000).emit('question', line.slice(4), (error, answer) =>
        console.log(error ? `ask failed ${error.message}` : `answer ${answer}`));
    } else if (line === 'interview') {
      socket.timeout(5000).emit('interview', (error, answer) =>
        console.log(error ? `interview failed ${error.message}` : `interviewed ${answer}`));
    } else if (line === 'disconnect') {
      socket.disconnect();
    }
  }
});
process.stdin.on('end', () => {
  socket.close();
  process.exit(0);
});
