package io.noa.realtime.socketio;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.transport.jdk.JdkTransport;
import org.junit.jupiter.api.TestInstance;

/** The Socket.IO binary scenarios over the JDK transport. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdkSocketIoBinaryTest extends SocketIoBinaryScenarios {
    @Override
    protected Transport newTransport() {
        return JdkTransport.create();
    }
}
