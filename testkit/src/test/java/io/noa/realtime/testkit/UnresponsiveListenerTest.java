package io.noa.realtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnresponsiveListenerTest {
    @Test
    void connectsHangUntilTheClientsConnectTimeout() throws Exception {
        try (UnresponsiveListener listener = UnresponsiveListener.start()) {
            for (int i = 0; i < 3; i++) {
                try (Socket s = new Socket()) {
                    assertThatThrownBy(() -> s.connect(new InetSocketAddress("127.0.0.1", listener.port()), 500))
                            .isInstanceOf(SocketTimeoutException.class);
                }
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).build();
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(listener.uri("http")).build(),
                    HttpResponse.BodyHandlers.discarding()))
                    .isInstanceOf(HttpConnectTimeoutException.class);
            assertThat(listener.uri("ws").toString()).isEqualTo("ws://127.0.0.1:" + listener.port() + "/");
        }
    }
}
