package io.noa.realtime.transport.netty;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.tck.TransportTck;

/** Runs the whole transport contract suite on the Netty transport. */
class NettyTransportTckTest extends TransportTck {
    @Override
    protected Transport transport() {
        return NettyTransport.create();
    }
}
