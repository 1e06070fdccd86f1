package io.noa.realtime.socketio;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.transport.jdk.JdkTransport;
import org.junit.jupiter.api.TestInstance;

/** The hostile open packet scenarios over the Jdk transport. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdkHostileOpenPacketTest extends HostileOpenPacketScenarios {
    @Override
    protected Transport newTransport() {
        return JdkTransport.create();
    }
}
