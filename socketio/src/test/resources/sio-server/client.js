// A user of the official socket.io-client 4.8.x, driven over stdin/stdout by the interop test.
//
//   node client.js <url> <token> <roomId>
//
// Prints one JSON object per line: {"type":"joined"}, {"type":"message",...} for every
// message:new, {"type":"ack",...} for every answer to its own message:send, {"type":"asked",...}
// when the server asks it (it answers {"pong":"node-client"}), {"type":"typing",...}.
// Reads commands on stdin: "send <content>", "typing".
'use strict';
const readline = require('readline');
const { io } = require('socket.io-client');

const [url, token, roomId] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });

socket.on('connect_error', (e) => out({ type: 'error', message: e.message }));
socket.on('connect', async () => {
  const answer = await socket.timeout(5000).emitWithAck('room:join', { roomId });
  out({ type: 'joined', answer });
});
socket.on('message:new', (m) => out({ type: 'message', ...m }));
socket.on('typing:start', (t) => out({ type: 'typing', ...t }));
socket.on('server:ping', (data, cb) => {
  out({ type: 'asked', data });
  cb({ pong: 'node-client' });
});

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line.startsWith('send ')) {
    const answer = await socket.timeout(5000).emitWithAck('message:send', { roomId, content: line.substring(5) });
    out({ type: 'ack', answer });
  } else if (line === 'typing') {
    socket.emit('typing:start', { roomId });
  }
}).on('close', () => { socket.close(); process.exit(0); });

// ===== BEGIN binary attachments (task siob) =====
// Prints {"type":"blob","userId":..,"name":..,"base64":..} for every blob:new (its `data` Buffer);
// command "blob <name> <base64>" sends blob:send {roomId, name, data: Buffer} with an ack, printed
// as {"type":"blobAck","answer":...}.
socket.on('blob:new', (m) => out({
  type: 'blob', userId: m.userId, name: m.name, isBuffer: Buffer.isBuffer(m.data),
  base64: Buffer.isBuffer(m.data) ? m.data.toString('base64') : null,
}));
readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  if (!line.startsWith('blob ')) return;
  const [, name, base64] = line.split(' ');
  const answer = await socket.timeout(5000).emitWithAck('blob:send', { roomId, name, data: Buffer.from(base64, 'base64') });
  out({ type: 'blobAck', answer });
});
// ===== END binary attachments (task siob) =====
