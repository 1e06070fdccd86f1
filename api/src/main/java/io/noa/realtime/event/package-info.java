/**
 * Named, typed events: {@link io.noa.realtime.event.EventType} names an event and its payload
 * type, {@link io.noa.realtime.event.EventBus} routes payloads to handlers, and
 * {@link io.noa.realtime.event.EventCodec} maps JSON to Java with a user-suppliable Jackson
 * {@code ObjectMapper}.
 */
package io.noa.realtime.event;
