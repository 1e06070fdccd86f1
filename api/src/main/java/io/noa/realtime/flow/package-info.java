/**
 * Library-neutral {@link java.util.concurrent.Flow.Publisher} sources built on the clients'
 * listener methods, so that every reactive adapter (RxJava, Reactor, or a user's own) is a thin
 * view and the semantics live in one place: {@link io.noa.realtime.flow.ConnectionStates} (the
 * current connection state, then each change; waiting for a connection) and
 * {@link io.noa.realtime.flow.Listeners} (callbacks as a bounded, cold publisher). The call handle
 * of a chat message, {@link io.noa.realtime.chat.ChatCall}, offers its own publishers.
 *
 * <p>Every publisher here is cold and per subscriber: nothing is registered until
 * {@code subscribe}, and cancelling the subscription removes the listener.
 */
package io.noa.realtime.flow;
