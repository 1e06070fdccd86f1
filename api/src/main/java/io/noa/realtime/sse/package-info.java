/**
 * Server-Sent Events: {@link io.noa.realtime.sse.SseParser} turns the bytes of a
 * {@code text/event-stream} body into {@link io.noa.realtime.sse.SseEvent}s following the WHATWG
 * "event stream interpretation" rules exactly (BOM, CR/LF/CRLF line ends, multi-line data,
 * comments, {@code id} persistence, {@code retry} digits only, no dispatch of an unterminated
 * event at end of stream).
 *
 * <p>The parser works on bytes: a body split anywhere, even inside a UTF-8 character, yields the
 * same events. Line and event sizes are bounded; exceeding a bound throws
 * {@link io.noa.realtime.LimitExceededException} naming the setting to raise.
 *
 * <p>{@link io.noa.realtime.sse.EventStreamCall} is the one place where an event stream is opened
 * (request, redirects, status and {@code Content-Type} checks, body reader, one terminal
 * callback, cancel at any moment); {@link io.noa.realtime.sse.SseClient} reconnects by opening
 * one call per connection, and the chat stream opens one per attempt.
 */
package io.noa.realtime.sse;
