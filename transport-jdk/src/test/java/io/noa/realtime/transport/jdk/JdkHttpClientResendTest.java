package io.noa.realtime.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Pins what {@code java.net.http.HttpClient} itself does when a reused keep-alive connection is
 * closed before any response byte, as documented on {@link JdkTransport}: a GET (or HEAD) is sent
 * again once on a new connection by the JDK (this cannot be switched off per client); a POST is
 * not (covered by the tck's {@code TransportRetryContract}).
 */
class JdkHttpClientResendTest {
    @Test
    void httpClientResendsAnIdempotentRequestOnceByItself() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        try (RawServer server = new RawServer(socket -> serve(socket, requests));
                JdkTransport transport = JdkTransport.create()) {
            StreamingRequest get = StreamingRequest.builder(server.uri("/get")).method("GET").build();
            StreamingResponse first = transport.http().send(get).get(10, TimeUnit.SECONDS);
            BodyProbe body = new BodyProbe(Long.MAX_VALUE, false);
            first.body().subscribe(body);
            body.done.get(10, TimeUnit.SECONDS);
            StreamingResponse second = transport.http().send(get).get(10, TimeUnit.SECONDS);
            assertThat(second.status()).isEqualTo(200);
            second.close();
            assertThat(requests.get()).as("requests: the first, the dropped one, and the JDK's own re-send").isEqualTo(3);
            assertThat(server.connections.get()).isEqualTo(2);
        }
    }

    /** Answers the first request on a connection; on a connection's second request, closes it unanswered. */
    private static void serve(Socket socket, AtomicInteger requests) throws Exception {
        try (socket) {
            InputStream in = socket.getInputStream();
            for (int onThisConnection = 0; ; onThisConnection++) {
                RawServer.readHead(in);
                requests.incrementAndGet();
                if (onThisConnection == 1) {
                    return;
                }
                byte[] body = "data: ok\n\n".getBytes(StandardCharsets.UTF_8);
                RawServer.write(socket.getOutputStream(), "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n"
                        + new String(body, StandardCharsets.ISO_8859_1));
            }
        }
    }
}
