/**
 * noa-realtime's embeddable local servers for tests (streaming inference, SSE events, WebSocket
 * relay, fault-injecting proxy), like OkHttp's MockWebServer. They speak the wire protocols and use
 * none of the api's types; Jackson's {@code JsonNode} is in public signatures (required
 * transitively). Netty and Java-WebSocket run the servers and stay out of its public signatures.
 */
module io.noa.realtime.testkit {
    requires transitive com.fasterxml.jackson.databind;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.pkitesting;
    requires io.netty.transport;
    requires org.java_websocket;

    exports io.noa.realtime.testkit;
}
