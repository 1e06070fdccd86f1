package io.noa.realtime.transport.jdk;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.tck.TransportTck;

/** Runs the whole transport contract suite on the JDK transport. */
// region:tck
class JdkTransportTckTest extends TransportTck {
    @Override
    protected Transport transport() {
        return JdkTransport.create();
    }
}
// endregion:tck
