/**
 * Socket.IO v5 over Engine.IO v4 as a {@link io.noa.realtime.ws.WireProtocol}: start with
 * {@link io.noa.realtime.socketio.SocketIo#v5()}.
 */
package io.noa.realtime.socketio;
