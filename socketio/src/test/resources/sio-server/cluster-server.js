// Scale-out: several socket.io 4.8.4 servers in one Node cluster, joined by
// @socket.io/cluster-adapter 0.3.0, for noa-realtime's socketio cluster scenario.
//
//   node cluster-server.js [workers=2]
//
// The primary forks the workers; each worker is a whole Socket.IO server on its OWN ephemeral
// 127.0.0.1 port (an exclusive handle, not the cluster's shared one), so a client picks its
// server by port, as it would pick a machine behind no load balancer. Broadcasts to a room
// (socket.to(room).emit) go through the cluster adapter to every worker. The primary prints
// "WORKER <i> LISTENING <port>" per worker, then "CLUSTER READY". It ends (with its workers)
// when its stdin closes (the test's JVM went away).
//
// The guide's server side, from guide.js as in server.js: auth.token "t-<user>"; room:join / room:leave with
// acks and broadcasts; message:send -> message:new to the room; presence:update; typing:start /
// typing:stop; plus "whoami", acked with {worker, pid}, so a test can see which server it is on.
// No connection-state recovery: the cluster adapter does not restore sessions across workers.
'use strict';
const cluster = require('cluster');
const http = require('http');
const { Server } = require('socket.io');
const { authenticate, ack, roomHandlers } = require('./guide');
const { createAdapter, setupPrimary } = require('@socket.io/cluster-adapter');

if (cluster.isPrimary) {
  const workers = Number(process.argv[2] || 2);
  let ready = 0;
  let stopping = false;
  setupPrimary(); // relays the adapters' messages between the workers
  for (let i = 0; i < workers; i++) {
    const worker = cluster.fork({ NOA_WORKER_INDEX: String(i) });
    worker.on('message', (m) => {
      if (m && m.noaListening) {
        console.log(`WORKER ${m.index} LISTENING ${m.port}`);
        if (++ready === workers) console.log('CLUSTER READY');
      }
    });
  }
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) console.error(`cluster-server: worker ${worker.id} exited (${code || signal})`);
  });
  const stop = () => {
    stopping = true;
    for (const id in cluster.workers) cluster.workers[id].kill();
    process.exit(0);
  };
  process.stdin.on('end', stop);
  process.on('SIGTERM', stop);
  process.stdin.resume();
} else {
  const index = Number(process.env.NOA_WORKER_INDEX);
  const httpServer = http.createServer((req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
  });
  const io = new Server(httpServer, { transports: ['websocket'], adapter: createAdapter() });
  let nextMessageId = 1;

  io.use(authenticate);

  io.on('connection', (socket) => {
    const userId = socket.data.userId;
    socket.on('whoami', (data, cb) => ack(typeof data === 'function' ? data : cb, { worker: index, pid: process.pid, userId }));
    roomHandlers(socket, () => 'w' + index + '-m' + nextMessageId++, { worker: index });
  });

  httpServer.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
    process.send({ noaListening: true, index, port: httpServer.address().port });
  });
  process.on('disconnect', () => process.exit(0)); // the primary went away
}
