// The guide's server side shared by server.js and cluster-server.js: the auth middleware and the
// room / message / presence / typing handlers of one socket.
'use strict';

// auth.token must be "t-<user>"; anything else is refused with
// CONNECT_ERROR {message: "unauthorized", data: {code: 401, reason: "bad token"}}.
function authenticate(socket, next) {
  const token = socket.handshake.auth && socket.handshake.auth.token;
  if (typeof token === 'string' && token.startsWith('t-') && token.length > 2) {
    socket.data.userId = token.substring(2);
    return next();
  }
  const err = new Error('unauthorized');
  err.data = { code: 401, reason: 'bad token' };
  next(err);
}

const ack = (cb, value) => { if (typeof cb === 'function') cb(value); };

// room:join / room:leave with acks and broadcasts; message:send -> message:new to the room (id from
// newMessageId()); presence:update; typing:start / typing:stop. The fields of `extra` are added to
// the room:join ack and to message:new.
function roomHandlers(socket, newMessageId, extra = {}) {
  const userId = socket.data.userId;
  socket.on('room:join', (data, cb) => {
    const roomId = data && data.roomId;
    if (typeof roomId !== 'string' || roomId === '') return ack(cb, { error: { message: 'roomId missing' } });
    socket.join(roomId);
    socket.to(roomId).emit('room:join', { roomId, userId });
    ack(cb, { ok: true, roomId, ...extra });
  });
  socket.on('room:leave', (data, cb) => {
    const roomId = data && data.roomId;
    socket.leave(roomId);
    socket.to(roomId).emit('room:leave', { roomId, userId });
    ack(cb, { ok: true, roomId });
  });
  socket.on('message:send', (data, cb) => {
    const roomId = data && data.roomId;
    const id = newMessageId();
    socket.to(roomId).emit('message:new', { roomId, userId, id, content: data.content, ...extra });
    ack(cb, { ok: true, id });
  });
  socket.on('presence:update', (data) => {
    const rooms = [...socket.rooms].filter((r) => r !== socket.id);
    if (rooms.length === 0) return;
    socket.to(rooms).emit('presence:update', {
      userId, status: data && data.status, metadata: (data && data.metadata) || {}, lastSeen: Date.now(),
    });
  });
  for (const event of ['typing:start', 'typing:stop']) {
    socket.on(event, (data) => {
      const roomId = data && data.roomId;
      if (typeof roomId === 'string') socket.to(roomId).emit(event, { roomId, userId });
    });
  }
}

module.exports = { authenticate, ack, roomHandlers };
