'use strict';
// The harness's reference server (/work/shared/bench/node-server.js: official socket.io 4.8, the same four events,
// loopback only), with connection state recovery on when RECOVERY=1: `connectionStateRecovery: {}` (Node's defaults:
// 2 minutes, skipMiddlewares), which makes socket.io pick the in-memory SessionAwareAdapter. Run from the harness
// folder (it finds socket.io in its node_modules): cp bench/recovery/node-recovery-server.js /tmp/bench/
const http = require('http');
const { Server } = require('socket.io');

const port = parseInt(process.env.PORT || '13100', 10);
const host = process.env.HOST || '127.0.0.1';
if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
  console.error('loopback only, not ' + host);
  process.exit(2);
}
const recovery = process.env.RECOVERY === '1';

const server = http.createServer((req, res) => { res.writeHead(404); res.end(); });
const io = new Server(server, recovery ? { connectionStateRecovery: {} } : {});

io.on('connection', (socket) => {
  socket.on('echo', (payload, ack) => { if (typeof ack === 'function') ack(payload); });
  socket.on('join', (room, ack) => {
    socket.join(String(room));
    if (typeof ack === 'function') ack(true);
  });
  socket.on('chat', (msg) => { if (msg && msg.room !== undefined) io.to(String(msg.room)).emit('chat', msg); });
  socket.on('broadcast', (payload) => io.emit('news', payload));
});

server.listen(port, host, () => {
  console.log(`node socket.io ${require('socket.io/package.json').version} recovery=${recovery} on ${host}:${port} pid=${process.pid}`);
});
const stop = () => { io.close(); server.close(); setTimeout(() => process.exit(0), 500).unref(); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
