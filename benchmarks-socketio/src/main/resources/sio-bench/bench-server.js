// The Node socket.io 4.8.4 server of the Socket.IO benchmark (SocketIoBench).
//
//   node bench-server.js [port=0]
//
// Listens on 127.0.0.1 (0 = ephemeral; prints "LISTENING <port>"), WebSocket transport only, no
// permessage-deflate, no auth, no connection-state recovery: the cheapest server-side ack
// round trip, so the clients' differences show. One event: "ask", acked with its own argument.
// Ends when its stdin closes (the benchmark's JVM went away).
'use strict';
const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.argv[2] || 0);
const httpServer = http.createServer((req, res) => {
  res.writeHead(404);
  res.end();
});
const io = new Server(httpServer, { transports: ['websocket'], perMessageDeflate: false });
io.on('connection', (socket) => {
  socket.on('ask', (data, cb) => {
    if (typeof cb === 'function') cb(data);
  });
});
httpServer.listen(port, '127.0.0.1', () => {
  console.log('LISTENING ' + httpServer.address().port);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
