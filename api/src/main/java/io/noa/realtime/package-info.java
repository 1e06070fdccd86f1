/**
 * Core types of noa-realtime: the connection state machine, retry policy, subscriptions and
 * the exception hierarchy.
 *
 * <p>All public types are thread-safe unless documented otherwise. Callbacks for one client or
 * stream are delivered serially, never concurrently.
 */
package io.noa.realtime;
