/**
 * RxJava 3 views of the noa-realtime clients: {@link io.noa.realtime.rx.RxChat},
 * {@link io.noa.realtime.rx.RxSse} and {@link io.noa.realtime.rx.RxRealtime}.
 *
 * <p>Every view is cold: nothing is sent or registered until subscription, each subscriber gets
 * its own stream or listener, and disposing releases it (closes the listener, cancels the HTTP
 * stream or the acknowledgement future). Errors are the api's typed
 * {@link io.noa.realtime.RealtimeException}s, delivered once; nothing is routed to
 * {@code RxJavaPlugins.onError} after a disposal.
 */
package io.noa.realtime.rx;
