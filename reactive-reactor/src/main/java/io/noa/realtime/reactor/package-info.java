/**
 * Project Reactor views of the noa-realtime clients: {@link io.noa.realtime.reactor.ReactorChat},
 * {@link io.noa.realtime.reactor.ReactorSse} and {@link io.noa.realtime.reactor.ReactorRealtime}.
 *
 * <p>Every view is cold: nothing is sent or registered until subscription, each subscriber gets
 * its own stream or listener, and cancelling releases it (closes the listener, cancels the HTTP
 * stream or the acknowledgement future). Errors are the api's typed
 * {@link io.noa.realtime.RealtimeException}s, delivered once; nothing is dropped to
 * {@code Hooks.onErrorDropped} after a cancellation.
 */
package io.noa.realtime.reactor;
