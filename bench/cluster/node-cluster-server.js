'use strict';
// The harness's reference server (/work/shared/bench/node-server.js) as a member of a cluster: the same four events
// with the same behaviour, on the official socket.io 4.8.4 with the official @socket.io/redis-adapter 8.3.0 (default
// options) over a `redis` 4.7 client (one publisher + one subscriber, as the adapter's README shows).
//
//   PORT=13200 REDIS=redis://127.0.0.1:6390 node node-cluster-server.js        (or the Redis URL as first argument)
//
// Events (as node-server.js):
//   'echo'      (payload, ack)  -> ack(payload)
//   'join'      (room, ack?)    -> socket.join(room); ack?.(true)
//   'chat'      (msg)           -> io.to(msg.room).emit('chat', msg)   (local receivers + one publish to Redis)
//   'broadcast' (payload)       -> io.emit('news', payload)
// Listens on loopback only. Nothing is logged per message. Prints one line when listening AND subscribed.

const http = require('http');
const { Server } = require('socket.io');
const { createClient } = require('redis');
const { createAdapter } = require('@socket.io/redis-adapter');

const PORT = parseInt(process.env.PORT || '13200', 10);
const HOST = process.env.HOST || '127.0.0.1';
const REDIS = process.argv[2] || process.env.REDIS || 'redis://127.0.0.1:6379';
if (HOST !== '127.0.0.1' && HOST !== 'localhost' && HOST !== '::1') {
  console.error('refusing to listen on a non-loopback address: ' + HOST);
  process.exit(2);
}
{
  const h = new URL(REDIS).hostname.replace(/^\[|\]$/g, '');
  if (!(h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h))) {
    console.error('refusing a non-loopback Redis: ' + REDIS);
    process.exit(2);
  }
}

(async () => {
  const pub = createClient({ url: REDIS });
  const sub = pub.duplicate();
  pub.on('error', (e) => console.error('redis pub error: ' + e.message));
  sub.on('error', (e) => console.error('redis sub error: ' + e.message));
  await Promise.all([pub.connect(), sub.connect()]);

  const httpServer = http.createServer((req, res) => {
    res.writeHead(404);
    res.end();
  });
  const io = new Server(httpServer, { adapter: createAdapter(pub, sub) });

  io.on('connection', (socket) => {
    socket.on('echo', (payload, ack) => {
      if (typeof ack === 'function') ack(payload);
    });
    socket.on('join', (room, ack) => {
      socket.join(String(room));
      if (typeof ack === 'function') ack(true);
    });
    socket.on('chat', (msg) => {
      if (msg && msg.room !== undefined) io.to(String(msg.room)).emit('chat', msg);
    });
    socket.on('broadcast', (payload) => {
      io.emit('news', payload);
    });
  });

  httpServer.listen(PORT, HOST, () => {
    console.log(`node socket.io ${require('socket.io/package.json').version} + @socket.io/redis-adapter ` +
      `${require('@socket.io/redis-adapter/package.json').version} listening on ${HOST}:${PORT} redis=${REDIS} pid=${process.pid}`);
  });

  let closing = false;
  function shutdown() {
    if (closing) return;
    closing = true;
    io.close();
    httpServer.close();
    Promise.allSettled([pub.quit(), sub.quit()]).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 500); // do not hang on lingering sockets
  }
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
})().catch((e) => {
  console.error('node-cluster-server: ' + (e && e.stack || e));
  process.exit(1);
});
