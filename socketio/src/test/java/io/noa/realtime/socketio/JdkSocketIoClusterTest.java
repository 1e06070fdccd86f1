package io.noa.realtime.socketio;

import io.noa.realtime.spi.Transport;
import io.noa.realtime.transport.jdk.JdkTransport;
import org.junit.jupiter.api.TestInstance;

/** The Socket.IO cluster scenario over the JDK transport. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdkSocketIoClusterTest extends SocketIoClusterScenarios {
    @Override
    protected Transport newTransport() {
        return JdkTransport.create();
    }
}
