// The guide's Socket.IO server side, on socket.io 4.8.4, for noa-realtime's socketio tests.
//
//   node server.js [port] [pingIntervalMs] [pingTimeoutMs]
//
// Listens on 127.0.0.1 (port 0 = ephemeral) and prints "LISTENING <port>" once ready.
// Auth middleware: auth.token must be "t-<user>"; anything else is refused with
// CONNECT_ERROR {message: "unauthorized", data: {code: 401, reason: "bad token"}}.
// Namespaces "/" and "/admin" (same middleware). Test hooks over plain HTTP on the same port:
//   GET /kick?user=U                   server-side disconnect(true) of U's sockets
//   GET /ask?user=U&event=E[&nsp=/admin] emits E with an ack to U's socket and answers its reply
//   GET /stats                         {"connections": n, "connects": total CONNECTs so far}
'use strict';
const http = require('http');
const { Server } = require('socket.io');
const { authenticate, ack, roomHandlers } = require('./guide');

const port = Number(process.argv[2] || process.env.PORT || 3000);
const pingInterval = Number(process.argv[3] || 25000);
const pingTimeout = Number(process.argv[4] || 20000);
let connects = 0;
let nextMessageId = 1;

const httpServer = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const user = url.searchParams.get('user');
  const nsp = io.of(url.searchParams.get('nsp') || '/');
  const sockets = [...nsp.sockets.values()].filter((s) => s.data.userId === user);
  if (url.pathname === '/kick') {
    sockets.forEach((s) => s.disconnect(true));
    return reply(200, { kicked: sockets.length });
  }
  if (url.pathname === '/ask') {
    if (sockets.length === 0) return reply(404, { error: 'no such user' });
    try {
      const answer = await sockets[0].timeout(5000).emitWithAck(url.searchParams.get('event'), { from: 'server', n: 42 });
      return reply(200, { answer });
    } catch (e) {
      return reply(504, { error: String(e && e.message) });
    }
  }
  if (url.pathname.startsWith('/sior/')) return siorHook(url, reply); // reliability hooks, see the sior block
  if (url.pathname === '/stats') {
    return reply(200, { connections: io.of('/').sockets.size, connects });
  }
  // ---- begin block: several namespaces over one link (helper sions; SharedLinkScenarios) ----
  //   GET /links   {"engineClients": n, "sockets": [{"nsp": "/", "user": "alice", "conn": "<Engine.IO id>"}, ...],
  //                 "heartbeats": {"<Engine.IO id>": {"pings": sent, "pongs": received}}}
  // (how many Engine.IO connections the server has, and which one each namespace socket rides on)
  if (url.pathname === '/links') {
    const all = [];
    for (const name of ['/', '/admin']) {
      for (const s of io.of(name).sockets.values()) all.push({ nsp: name, user: s.data.userId, conn: s.conn.id });
    }
    return reply(200, { engineClients: io.engine.clientsCount, sockets: all, heartbeats: Object.fromEntries(heartbeats) });
  }
  //   GET /leave?user=U&nsp=/admin   disconnect() (not disconnect(true), which closes the whole
  //                                  connection, every namespace on it) of U's sockets in that namespace
  if (url.pathname === '/leave') {
    sockets.forEach((s) => s.disconnect());
    return reply(200, { left: sockets.length });
  }
  //   GET /burst?user=U&n=N          emits "burst" 0..N-1 to U's sockets in "/" and "/admin", alternating
  if (url.pathname === '/burst') {
    const n = Number(url.searchParams.get('n') || 1);
    const targets = ['/', '/admin'].map((name) => [...io.of(name).sockets.values()].filter((s) => s.data.userId === user));
    for (let i = 0; i < n; i++) for (const group of targets) for (const s of group) s.emit('burst', i);
    return reply(200, { sent: n });
  }
  // ---- end block: several namespaces over one link ----
  reply(404, { error: 'not found' });
});

const io = new Server(httpServer, { pingInterval, pingTimeout, transports: ['websocket'], ...siorServerOptions() });

// ---- begin block: several namespaces over one link (helper sions; SharedLinkScenarios) ----
// pings sent and pongs received per Engine.IO connection, reported by GET /links
const heartbeats = new Map();
io.engine.on('connection', (conn) => {
  const h = { pings: 0, pongs: 0 };
  heartbeats.set(conn.id, h);
  conn.on('packetCreate', (p) => { if (p.type === 'ping') h.pings++; });
  conn.on('packet', (p) => { if (p.type === 'pong') h.pongs++; });
  conn.on('close', () => heartbeats.delete(conn.id));
});
// ---- end block: several namespaces over one link ----

function guideHandlers(socket) {
  connects++;
  roomHandlers(socket, () => 'm' + nextMessageId++);
  socket.on('echo', (...args) => {
    const cb = typeof args[args.length - 1] === 'function' ? args.pop() : null;
    ack(cb, { nsp: socket.nsp.name, args });
  });
}

for (const name of ['/', '/admin']) {
  io.of(name).use(authenticate);
  io.of(name).on('connection', guideHandlers);
}

httpServer.listen(port, '127.0.0.1', () => {
  console.log('LISTENING ' + httpServer.address().port);
});
process.stdin.on('end', () => process.exit(0)); // the test's JVM went away
process.stdin.resume();

// ===== BEGIN binary attachments (task siob): BINARY_EVENT / BINARY_ACK =====
// Events on "/" and "/admin" (Buffers travel as binary attachments both ways):
//   blob:echo (...args, cb)         answers with the same arguments (a Buffer comes back in a BINARY_ACK)
//   blob:inspect (data, cb)         answers a JSON description of what arrived: each Buffer as {bytes, base64}
//   blob:push-me ({parts, size})    the server emits blob:push {name, first: Buffer, nested: {list: [Buffer, ...]}}
//                                   with `parts` Buffers of `size` bytes (a server-initiated BINARY_EVENT)
//   blob:ask-me (data, cb)          the server asks back: emitWithAck("blob:ask", {payload: Buffer(data.size)})
//                                   (a BINARY_EVENT with an ack id) and answers cb with the description of the reply
//   blob:send ({roomId, ...}, cb)   relays the data to the room as blob:new {...data, userId}; acks {ok, buffers}
function blobBytes(size, seed) {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7 + seed) & 0xff;
  return b;
}
function describeBinary(v) {
  if (Buffer.isBuffer(v)) return { bytes: v.length, base64: v.toString('base64') };
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return describeBinary(Buffer.from(v.buffer || v));
  if (Array.isArray(v)) return v.map(describeBinary);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v)) o[k] = describeBinary(v[k]);
    return o;
  }
  return v;
}
function countBuffers(v) {
  if (Buffer.isBuffer(v)) return 1;
  if (Array.isArray(v)) return v.reduce((n, x) => n + countBuffers(x), 0);
  if (v && typeof v === 'object') return Object.values(v).reduce((n, x) => n + countBuffers(x), 0);
  return 0;
}
function binaryHandlers(socket) {
  const userId = socket.data.userId;
  socket.on('blob:echo', (...args) => {
    const cb = typeof args[args.length - 1] === 'function' ? args.pop() : null;
    if (cb) cb(...args);
  });
  socket.on('blob:inspect', (data, cb) => { if (typeof cb === 'function') cb(describeBinary(data)); });
  socket.on('blob:push-me', (req) => {
    const parts = Math.max(1, Number(req && req.parts) || 1);
    const size = Math.max(0, Number(req && req.size) || 16);
    const list = [];
    for (let i = 1; i < parts; i++) list.push(blobBytes(size, i));
    socket.emit('blob:push', { name: 'push', first: blobBytes(size, 0), nested: { list } });
  });
  socket.on('blob:ask-me', async (data, cb) => {
    try {
      const reply = await socket.timeout(5000).emitWithAck('blob:ask', { payload: blobBytes(Number(data && data.size) || 16, 3) });
      cb(describeBinary(reply));
    } catch (e) {
      cb({ error: { message: String(e && e.message) } });
    }
  });
  socket.on('blob:send', (data, cb) => {
    const roomId = data && data.roomId;
    socket.to(roomId).emit('blob:new', { ...data, userId });
    if (typeof cb === 'function') cb({ ok: true, buffers: countBuffers(data) });
  });
}
for (const name of ['/', '/admin']) {
  io.of(name).on('connection', binaryHandlers);
}
// ===== END binary attachments (task siob) =====
// ---- sior: reliability (ack retries, volatile emits, connection-state recovery) -------------------
// SIO_RECOVERY=1 in the environment turns connectionStateRecovery on (events then carry offsets).
//   event "sior:flaky" "<key>/<n>"  ignores the first n tries of <key>, then answers {tries}
//   event "sior:note" <any>         remembered per user (volatile emits)
//   GET /sior/flaky?key=K            {tries, ids}: the tries of K so far and the ack id of each
//   GET /sior/notes?user=U           {notes}
//   GET /sior/joins?user=U           {joins}: room:join events received from U so far
//   GET /sior/last?user=U            {sid, recovered, pid} of U's latest connection on "/" (pid: for
//                                    the secrets check only)
//   GET /sior/drop?user=U[&room=R&n=N]  kills U's transport (TCP reset, recoverable), waits for the
//                                    server to see it, then emits N message:new {id:"missed<i>"} to R
//   GET /sior/broadcast?room=R&prefix=P&n=N  emits N message:new {id:"<P><i>"} to R
function siorServerOptions() {
  if (process.env.SIO_RECOVERY !== '1') return {};
  return { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true } };
}

const sior = { flaky: new Map(), notes: new Map(), joins: new Map(), last: new Map() };

function siorHandlers(socket) {
  const userId = socket.data.userId;
  if (socket.nsp.name === '/') {
    sior.last.set(userId, socket);
  }
  socket.conn.on('packet', (p) => { // the ack id of every try, as it came on the wire
    const m = p.type === 'message' && typeof p.data === 'string'
      && /^2(?:\/[^,]*,)?(\d+)\["sior:flaky","([^"\/]+)\/\d+"\]$/.exec(p.data);
    if (m) {
      const f = sior.flaky.get(m[2]) || { tries: 0, ids: [] };
      f.ids.push(Number(m[1]));
      sior.flaky.set(m[2], f);
    }
  });
  socket.on('sior:flaky', (spec, cb) => {
    const [key, n] = String(spec).split('/');
    const f = sior.flaky.get(key) || { tries: 0, ids: [] };
    f.tries++;
    sior.flaky.set(key, f);
    if (f.tries > Number(n) && typeof cb === 'function') cb({ tries: f.tries });
  });
  socket.on('sior:note', (data) => {
    const list = sior.notes.get(userId) || [];
    list.push(data);
    sior.notes.set(userId, list);
  });
  socket.on('room:join', () => sior.joins.set(userId, (sior.joins.get(userId) || 0) + 1));
}

for (const name of ['/', '/admin']) io.of(name).on('connection', siorHandlers);

function siorBroadcast(room, prefix, n) {
  for (let i = 1; i <= n; i++) {
    io.to(room).emit('message:new', { roomId: room, userId: 'server', id: prefix + i, content: prefix + ' ' + i });
  }
}

async function siorHook(url, reply) {
  const q = (k) => url.searchParams.get(k);
  switch (url.pathname) {
    case '/sior/flaky':
      return reply(200, sior.flaky.get(q('key')) || { tries: 0, ids: [] });
    case '/sior/notes':
      return reply(200, { notes: sior.notes.get(q('user')) || [] });
    case '/sior/joins':
      return reply(200, { joins: sior.joins.get(q('user')) || 0 });
    case '/sior/last': {
      const s = sior.last.get(q('user'));
      return reply(200, s ? { sid: s.id, recovered: s.recovered, pid: s.pid, connected: s.connected } : {});
    }
    case '/sior/broadcast':
      siorBroadcast(q('room'), q('prefix') || 'b', Number(q('n') || 1));
      return reply(200, { sent: Number(q('n') || 1) });
    case '/sior/drop': {
      const sockets = [...io.of('/').sockets.values()].filter((s) => s.data.userId === q('user'));
      if (sockets.length === 0) return reply(404, { error: 'no such user' });
      const s = sockets[0];
      const reason = await new Promise((resolve) => {
        s.once('disconnect', (r) => resolve(r));
        s.conn.transport.socket.terminate(); // TCP reset: the client sees the link die, no close frame
      });
      if (q('room')) siorBroadcast(q('room'), 'missed', Number(q('n') || 0));
      return reply(200, { reason });
    }
    default:
      return reply(404, { error: 'not found' });
  }
}
// ---- end sior --------------------------------------------------------------------------------------
