/**
 * Socket.IO v5 over Engine.IO v4 for noa-realtime's {@code RealtimeClient}: a
 * {@link io.noa.realtime.ws.WireProtocol} chosen with one line,
 * {@code RealtimeClient.builder(url).protocol(SocketIo.v5())}. WebSocket transport only (no
 * long-polling); it works over any noa-realtime transport.
 */
module io.noa.realtime.socketio {
    requires transitive io.noa.realtime.api;

    exports io.noa.realtime.socketio;
}
