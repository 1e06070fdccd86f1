package io.noa.realtime.transport.netty;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.tck.TransportTck;

/** Runs the whole transport contract suite on the Netty transport. */
class NettyTransportTckTest extends TransportTck {
    @Override
    protected Transport transport() {
        return NettyTransport.create();
    }

    @Override
    protected java.util.List<String> bufferLeaks() {
        // allocate and release a little so the detector looks at its reference queue now
        for (int i = 0; i < 64; i++) {
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(64).release();
        }
        return CapturingLeakDetector.reports();
    }
}
