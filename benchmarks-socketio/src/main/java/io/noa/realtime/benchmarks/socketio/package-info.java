/**
 * Socket.IO side by side: noa-realtime's {@code RealtimeClient} with {@code SocketIo.v5()} (on
 * transport-netty and transport-jdk), a plain {@code java.net.http.WebSocket} writing the raw
 * Socket.IO frames by hand (the floor), and {@code io.socket:socket.io-client} 2.1.2 (the Java
 * peer), against one local Node {@code socket.io} 4.8.4 server in one process run.
 * {@link io.noa.realtime.benchmarks.socketio.SocketIoBench} is the harness.
 */
package io.noa.realtime.benchmarks.socketio;
