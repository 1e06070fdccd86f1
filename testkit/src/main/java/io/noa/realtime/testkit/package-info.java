/**
 * Local servers to embed in tests, all on {@code 127.0.0.1}, started in well under a second,
 * {@link java.lang.AutoCloseable}, and runnable from the command line (each has a {@code main}):
 * <ul>
 *   <li>{@link io.noa.realtime.testkit.MockInferenceServer}: an OpenAI-compatible chat completions
 *       server streaming {@code chat.completion.chunk} events, with scripted
 *       {@link io.noa.realtime.testkit.MockResponse}s and {@link io.noa.realtime.testkit.RecordedRequest}s;</li>
 *   <li>{@link io.noa.realtime.testkit.EventStreamServer}: a persistent SSE endpoint with
 *       {@code Last-Event-ID} replay;</li>
 *   <li>{@link io.noa.realtime.testkit.WebSocketTestServer}: a WebSocket echo and fault server;
 *       {@link io.noa.realtime.testkit.RoomServer}: the realtime room/presence/typing protocol;</li>
 *   <li>{@link io.noa.realtime.testkit.ChaosProxy}: a TCP proxy injecting network faults;</li>
 *   <li>{@link io.noa.realtime.testkit.UnresponsiveListener}: a port where connects hang;</li>
 *   <li>{@link io.noa.realtime.testkit.TestCertificate}: a self-signed certificate for TLS tests.</li>
 * </ul>
 */
package io.noa.realtime.testkit;
