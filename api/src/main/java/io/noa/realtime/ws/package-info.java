/**
 * Real-time messaging over WebSocket: the guide's {@code createWebSocketClient},
 * {@code useWebSocket} and {@code useTypingIndicator}. {@link io.noa.realtime.ws.RealtimeClient}
 * sends and receives named events with acknowledgements, buffers while disconnected, reconnects
 * with backoff and detects half-open links with heartbeats; {@link io.noa.realtime.ws.Rooms},
 * {@link io.noa.realtime.ws.Presence} and {@link io.noa.realtime.ws.TypingIndicator} sit on its
 * events. How events map to frames is a {@link io.noa.realtime.ws.WireProtocol}.
 */
package io.noa.realtime.ws;
