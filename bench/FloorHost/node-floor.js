// The same floor on Node: the `ws` package (the WebSocket server under socket.io) answering connect-ws, echo and the
// fan-out's join and chat by slicing bytes, exactly like Program.cs (PORT from the environment, 127.0.0.1 only). Copy
// it into the harness folder and run it there, so that `ws` is the harness's 8.x (the one socket.io 4.8 runs on):
//   cp node-floor.js /tmp/bench/ && cd /tmp/bench && PORT=3000 node node-floor.js
const { WebSocketServer } = require('ws');

const open = Buffer.from('0{"sid":"floorfloorfloorfloor","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
const connected = Buffer.from('40{"sid":"floorfloorfloorfloor"}');
const echoPrefix = Buffer.from('["echo",');
const room = new Set(); // the members of the one room

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.env.PORT), path: '/socket.io/' });
wss.on('connection', (ws) => {
  ws.send(open, { binary: false });
  ws.on('close', () => room.delete(ws));
  ws.on('message', (data) => {
    if (data.length === 2 && data[0] === 0x34 && data[1] === 0x30) {
      ws.send(connected, { binary: false });
    } else if (data[0] === 0x34 && data[1] === 0x32) {
      const bracket = data.indexOf(0x5b);
      const name = data.subarray(bracket, bracket + 8).toString();
      if (name === '["chat",') {
        // the same bytes to every member of the room
        for (const member of room) member.send(data, { binary: false });
        return;
      }
      if (name === '["join",') {
        // 42<id>["join",...] → 43<id>[true]
        room.add(ws);
        ws.send(Buffer.concat([Buffer.from('43'), data.subarray(2, bracket), Buffer.from('[true]')]), { binary: false });
        return;
      }
      // 42<id>["echo",<payload>] → 43<id>[<payload>]
      const payload = data.subarray(bracket + echoPrefix.length, data.length - 1);
      ws.send(Buffer.concat([Buffer.from('43'), data.subarray(2, bracket), Buffer.from('['), payload, Buffer.from(']')]), { binary: false });
    }
  });
});
