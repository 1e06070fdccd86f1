package io.noa.realtime.socketio;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.transport.jdk.JdkTransport;
import org.junit.jupiter.api.TestInstance;

/** Binary packets of several namespaces over one link, over the Jdk transport. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdkSharedLinkBinaryTest extends SharedLinkBinaryScenarios {
    @Override
    protected Transport newTransport() {
        return JdkTransport.create();
    }
}
