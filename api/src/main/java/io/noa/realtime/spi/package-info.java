/**
 * The transport SPI: the small contract a transport implements to move bytes and frames for
 * noa-realtime. A transport owns no retry, parsing or state logic; all behaviour lives in the
 * api, so every transport behaves the same.
 *
 * <p>Implement {@link io.noa.realtime.spi.Transport} (with {@link io.noa.realtime.spi.HttpStreaming}
 * and {@link io.noa.realtime.spi.WebSocketConnector}), register a
 * {@link io.noa.realtime.spi.TransportProvider} with {@link java.util.ServiceLoader}, and run the
 * {@code noa-realtime-tck} contract suite against it. The words MUST, MUST NOT and MAY in this
 * package's javadoc are contract terms.
 */
package io.noa.realtime.spi;
