/**
 * noa-realtime's API: every behaviour (SSE, streaming chat, realtime WebSocket client, event bus)
 * and the transport SPI. A transport module {@code provides io.noa.realtime.spi.TransportProvider};
 * {@link io.noa.realtime.spi.Transports#load()} finds it with {@link java.util.ServiceLoader}, on
 * the module path and on the class path alike.
 *
 * <p>Jackson is required transitively: {@code JsonNode}, {@code ObjectMapper} and
 * {@code JsonParser} appear in public signatures ({@code event}, {@code ws}, {@code chat}).
 * The implementation package {@code io.noa.realtime.internal} is exported to no module.
 * No package is opened: Jackson reads and writes the api's own types through its tree and
 * streaming APIs, never by reflection (an event payload class of yours must be opened to
 * {@code com.fasterxml.jackson.databind} by your own module).
 */
module io.noa.realtime.api {
    requires transitive com.fasterxml.jackson.core;
    requires transitive com.fasterxml.jackson.databind;

    exports io.noa.realtime;
    exports io.noa.realtime.chat;
    exports io.noa.realtime.event;
    exports io.noa.realtime.flow;
    exports io.noa.realtime.spi;
    exports io.noa.realtime.sse;
    exports io.noa.realtime.ws;

    uses io.noa.realtime.spi.TransportProvider;
}
