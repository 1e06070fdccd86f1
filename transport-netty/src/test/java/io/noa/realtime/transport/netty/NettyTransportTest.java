package io.noa.realtime.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportProvider;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.spi.WebSocketSession;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NettyTransportTest {
    @Test
    void providerIsDiscoveredByNameAndPriority() {
        TransportProvider p = Transports.providers(getClass().getClassLoader()).stream()
                .filter(x -> x.name().equals("netty")).findFirst().orElseThrow();
        assertThat(p).isInstanceOf(NettyTransportProvider.class);
        assertThat(p.priority()).isEqualTo(20);
        assertThat(p.isAvailable()).isTrue();
        try (Transport t = Transports.load("netty")) {
            assertThat(t).isInstanceOf(NettyTransport.class);
            assertThat(t.name()).isEqualTo("netty");
            System.out.println("default transport: " + t); // EpollSocketChannel on Linux with the native jar, else NioSocketChannel
        }
    }

    @Test
    void callerSuppliedGroupIsUsedAndNotShutDown() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EchoWebSocketServer server = EchoWebSocketServer.startNew();
        try {
            NettyTransport t = NettyTransport.builder().eventLoopGroup(group).build();
            ListenerRecorder l = new ListenerRecorder();
            WebSocketSession s = t.webSocket().connect(URI.create("ws://127.0.0.1:" + server.getPort() + "/"),
                    Headers.empty(), Duration.ofSeconds(10), l).get(20, TimeUnit.SECONDS);
            s.close(1000, "").get(20, TimeUnit.SECONDS);
            t.close();
            assertThat(group.isShuttingDown()).isFalse();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            server.stop(1000);
        }
    }

    @Test
    void ownGroupIsShutDownOnClose() throws Exception {
        NettyTransport t = NettyTransport.builder().threads(1).build();
        var scheduler = t.scheduler();
        t.close();
        t.close(); // idempotent
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(scheduler::isTerminated);
    }

    @Test
    void closedTransportRejectsNewRequests() {
        NettyTransport t = NettyTransport.create();
        t.close();
        assertThatThrownBy(() -> t.http().send(StreamingRequest.builder(URI.create("http://127.0.0.1:1/")).build()).get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void builderRejectsContradictorySettings() {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertThatThrownBy(() -> NettyTransport.builder().eventLoopGroup(group).threads(2).build())
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> NettyTransport.builder().threads(0)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
