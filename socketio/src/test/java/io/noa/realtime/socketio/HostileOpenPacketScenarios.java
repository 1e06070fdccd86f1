package io.noa.realtime.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ws.RealtimeClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server whose Engine.IO open packet asks for a silence too long for a timer
 * ({@code pingInterval + pingTimeout} overflowing a long, or past what a delay in nanoseconds
 * holds): the client, alone or on a shared link ({@link SocketIoManager}), connects once, stays
 * connected and gets its acks (found by {@code SocketIoPacketFuzzTest}: the overflow made a
 * negative allowed silence, so the link was declared dead at once, on every reconnect; on the
 * shared link the nanoseconds overflowed inside the frame callback). One subclass per transport.
 */
abstract class HostileOpenPacketScenarios extends SocketIoScenarioBase {
    static List<String> openPackets() {
        return List.of(
                // a sane one first: the server itself works
                "0{\"sid\":\"e0\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}",
                "0{\"sid\":\"e1\",\"upgrades\":[],\"pingInterval\":9223372036854775807,\"pingTimeout\":9223372036854775807,\"maxPayload\":1000000}",
                "0{\"sid\":\"e2\",\"upgrades\":[],\"pingInterval\":1000000000000000,\"pingTimeout\":20000,\"maxPayload\":1000000}");
    }

    @Override
    void startServers() {
        // each test starts its own hostile server
    }

    @Test
    void aClientOfItsOwnConnectsOnceAndStays() throws Exception {
        for (String open : openPackets()) {
            ownClient(open);
        }
    }

    @Test
    void aClientOnASharedLinkConnectsOnceAndStays() throws Exception {
        for (String open : openPackets()) {
            sharedLinkClient(open);
        }
    }

    private void ownClient(String open) throws Exception {
        try (HostileEngineIoServer hostile = HostileEngineIoServer.start(open)) {
            RealtimeClient c = RealtimeClient.builder(hostile.uri()).protocol(SocketIo.v5()).transport(transport)
                    .reconnectionDelay(Duration.ofMillis(50)).timeout(WAIT).build();
            toClose.add(c);
            roundTrips(c, hostile);
            c.close();
        }
    }

    private void sharedLinkClient(String open) throws Exception {
        try (HostileEngineIoServer hostile = HostileEngineIoServer.start(open)) {
            SocketIoManager manager = SocketIoManager.builder(hostile.uri()).transport(transport).build();
            try {
                RealtimeClient c = manager.socket("/").reconnectionDelay(Duration.ofMillis(50)).timeout(WAIT).build();
                toClose.add(c);
                roundTrips(c, hostile);
                c.close();
            } finally {
                manager.close();
            }
        }
    }

    private static void roundTrips(RealtimeClient c, HostileEngineIoServer hostile) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(c::isConnected);
        for (int i = 0; i < 5; i++) {
            assertThat(get(c.emitWithAck("ping", i)).asText()).isEqualTo("pong");
        }
        assertThat(c.isConnected()).isTrue();
        assertThat(hostile.accepted()).as("WebSocket connections the server accepted").isEqualTo(1);
    }
}
