package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.HttpStatusException;
import io.noa.realtime.chat.ChatCall;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.testkit.EventStreamServer;
import io.noa.realtime.testkit.HostileServer;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.ws.RealtimeClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Planted secrets (an API key, a bearer token, an {@code X-Api-Key} header, a header whose name
 * marks it secret, a key in the URL query, the WebSocket auth payload and an auth header on the
 * upgrade) never appear in what the SDK logs (captured at the finest level by
 * {@link CapturingLoggerFinder}), in any exception's message or {@code toString} (causes and
 * suppressed included), or in the {@code toString} of any public client, config, request or
 * result type, across chat, SSE and WebSocket runs against testkit servers: success, connection
 * refused, handshake refused, and a 401 whose body echoes the request.
 *
 * <p>One exception, documented in {@code RELIABILITY.md}: the JDK HTTP client's own debug logger
 * ({@code jdk.internal.httpclient.debug}) prints request URLs, query included; a key in the URL
 * query is therefore not searched for in that logger's records.
 *
 * <p>The transport module registers {@link CapturingLoggerFinder} in its test resources; the
 * contract fails if it is not the JVM's finder.
 */
@Tag("secrets")
public abstract class SecretsContract extends TransportContractSupport {
    static final String API_KEY = "sk-PLANTED-apikey-2c9f";
    static final String BEARER = "PLANTED-bearer-77ab";
    static final String X_API_KEY = "PLANTED-xapikey-51d0";
    static final String MARKED = "PLANTED-marked-0b3c";
    static final String QUERY_KEY = "PLANTED-querykey-903e";
    static final String WS_AUTH = "PLANTED-wsauth-4e1a";
    static final String WS_HEADER = "PLANTED-wsheader-a6d2";
    static final String API_KEY_HEADER = "PLANTED-apikeyheader-19e7";
    private static final List<String> SECRETS = List.of(API_KEY, BEARER, X_API_KEY, MARKED, QUERY_KEY, WS_AUTH,
            WS_HEADER, API_KEY_HEADER);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<Object> inspected = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    /** For subclasses. */
    protected SecretsContract() {}

    /** Starts every test with an empty log. */
    @BeforeEach
    void clearLog() {
        assertThat(CapturingLoggerFinder.isInstalled())
                .as("CapturingLoggerFinder must be the JVM's System.LoggerFinder: register it in "
                        + "src/test/resources/META-INF/services/java.lang.System$LoggerFinder")
                .isTrue();
        CapturingLoggerFinder.clear();
        CapturingLoggerFinder.captureAll(true);
    }

    /** Back to capturing warnings only. */
    @AfterEach
    void quietLog() {
        CapturingLoggerFinder.captureAll(false);
    }

    private static URI withQueryKey(URI uri) {
        return URI.create(uri + "?api_key=" + QUERY_KEY);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private StreamingChat chat(URI uri, Transport transport) {
        StreamingChat chat = StreamingChat.builder(withQueryKey(uri)).transport(transport).apiKey(API_KEY)
                .model("mock-model").header("X-Api-Key", X_API_KEY).header("X-Custom-Secret", MARKED).header("api_key", API_KEY_HEADER)
                .build();
        inspected.add(chat);
        return chat;
    }

    private SseClient sse(URI uri, Transport transport) {
        SseClient sse = SseClient.builder(withQueryKey(uri)).transport(transport)
                .header("Authorization", "Bearer " + BEARER).header("X-Api-Key", X_API_KEY)
                .header("X-Custom-Secret", MARKED).header("apikey", API_KEY_HEADER)
                .retryPolicy(io.noa.realtime.RetryPolicy.builder().maxRetries(0).build()).build();
        inspected.add(sse);
        inspected.add(sse.options());
        sse.onError(errors::add);
        sse.onStateChange(c -> c.cause().ifPresent(errors::add));
        return sse;
    }

    private RealtimeClient ws(URI uri, Transport transport) {
        RealtimeClient client = RealtimeClient.builder(withQueryKey(uri)).transport(transport)
                .auth(Map.of("token", WS_AUTH)).header("X-Auth-Token", WS_HEADER).reconnection(false)
                .timeout(Duration.ofSeconds(5)).build();
        inspected.add(client);
        inspected.add(client.options());
        client.onError(errors::add);
        client.onStateChange(c -> c.cause().ifPresent(errors::add));
        return client;
    }

    /** Sends one chat request and keeps the outcome (result or error) for inspection. */
    private void chatOnce(StreamingChat chat) throws InterruptedException {
        ChatRequest request = ChatRequest.builder().message(Message.user("hello")).build();
        inspected.add(request);
        ChatCall call = chat.send(request);
        inspected.add(call);
        try {
            StreamingMessage m = call.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            inspected.add(m);
            m.error().ifPresent(inspected::add);
        } catch (ExecutionException e) {
            errors.add(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("chat request did not end", e);
        }
        call.failure().ifPresent(errors::add);
        inspected.add(call.snapshot());
        inspected.addAll(chat.messages().values());
    }

    /** Fails when any planted secret appears in the log, an exception's text or a toString. */
    private void assertNoSecretAnywhere() {
        List<String> texts = new ArrayList<>();
        for (String r : CapturingLoggerFinder.records()) {
            texts.add("log: " + r);
        }
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t : errors) {
            collect(t, texts, seen);
        }
        for (Object o : inspected) {
            texts.add(o.getClass().getSimpleName() + ".toString(): " + o);
        }
        List<String> leaks = new ArrayList<>();
        for (String text : texts) {
            for (String secret : SECRETS) {
                if (secret.equals(QUERY_KEY) && text.startsWith("log: ") && text.contains(" jdk.internal.httpclient")) {
                    continue; // the JDK HTTP client's own debug log prints request URLs: documented, not ours
                }
                if (text.contains(secret)) {
                    leaks.add("[" + secret + "] in " + text.replace(secret, "<<HERE>>"));
                }
            }
        }
        assertThat(leaks).as("places where a planted secret appeared (%d texts searched)", texts.size()).isEmpty();
    }

    private static void collect(Throwable t, List<String> texts, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        texts.add("exception: " + t);
        texts.add("message: " + t.getMessage());
        if (t instanceof HttpStatusException h) {
            texts.add("bodyExcerpt: " + h.bodyExcerpt());
            h.error().ifPresent(e -> texts.add("error: " + e));
        }
        collect(t.getCause(), texts, seen);
        for (Throwable s : t.getSuppressed()) {
            collect(s, texts, seen);
        }
    }

    /**
     * Contract: a chat exchange that succeeds and one whose connection is refused leave no
     * secret in logs, exceptions or {@code toString}.
     *
     * @throws Exception on failure
     */
    @Test
    public void chatSuccessAndRefusedConnectionKeepSecrets() throws Exception {
        Transport transport = newTransport();
        inspected.add(transport);
        try (MockInferenceServer server = MockInferenceServer.builder().apiKey(API_KEY).defaultReply("fine").start();
                StreamingChat ok = chat(server.chatUri(), transport);
                StreamingChat refused = chat(URI.create("http://127.0.0.1:" + closedPort() + "/v1/chat/completions"),
                        transport)) {
            chatOnce(ok);
            assertThat(ok.messages().values()).anySatisfy(m -> assertThat(m.content()).isEqualTo("fine"));
            chatOnce(refused);
            assertThat(errors).as("the refused connection was reported").isNotEmpty();
        }
        assertNoSecretAnywhere();
    }

    /**
     * Contract: an SSE stream that works and one whose connection is refused leave no secret in
     * logs, exceptions or {@code toString}.
     *
     * @throws Exception on failure
     */
    @Test
    public void sseSuccessAndRefusedConnectionKeepSecrets() throws Exception {
        Transport transport = newTransport();
        inspected.add(transport);
        try (EventStreamServer server = EventStreamServer.builder().historySize(10).start();
                SseClient ok = sse(server.uri(), transport);
                SseClient refused = sse(URI.create("http://127.0.0.1:" + closedPort() + "/events"), transport)) {
            List<SseEvent> events = new CopyOnWriteArrayList<>();
            ok.onMessage(events::add);
            ok.connect();
            await().atMost(WAIT).until(() -> server.connectionCount() == 1);
            server.publish("one");
            await().atMost(WAIT).until(() -> !events.isEmpty());
            inspected.addAll(events);
            refused.connect();
            await().atMost(WAIT).until(() -> refused.state() == io.noa.realtime.ConnectionState.FAILED
                    || refused.state() == io.noa.realtime.ConnectionState.RECONNECTING);
        }
        assertNoSecretAnywhere();
    }

    /**
     * Contract: a WebSocket session that works, one whose handshake is refused (401) and one whose
     * connection is refused leave no secret in logs, exceptions or {@code toString}.
     *
     * @throws Exception on failure
     */
    @Test
    public void webSocketSuccessRefusedHandshakeAndRefusedConnectionKeepSecrets() throws Exception {
        Transport transport = newTransport();
        inspected.add(transport);
        try (RoomServer server = RoomServer.builder().token(WS_AUTH, "alice").start();
                RoomServer refusing = RoomServer.builder().token(WS_AUTH, "alice").start()) {
            refusing.refuseHandshakes(500);
            try (RealtimeClient ok = ws(server.uri(), transport)) {
                ok.connect();
                assertThat(ok.emitWithAck("probe", Map.of("n", 1)).get(WAIT.toSeconds(), TimeUnit.SECONDS).path("n")
                        .asInt()).isEqualTo(1);
            }
            int before = errors.size();
            try (RealtimeClient handshakeRefused = ws(refusing.uri(), transport)) {
                handshakeRefused.connect();
                await().atMost(WAIT).until(() -> errors.size() > before);
            }
            int before2 = errors.size();
            try (RealtimeClient connectionRefused = ws(URI.create("ws://127.0.0.1:" + closedPort() + "/ws"), transport)) {
                connectionRefused.connect();
                await().atMost(WAIT).until(() -> errors.size() > before2);
            }
        }
        assertNoSecretAnywhere();
    }

    /**
     * Contract: a redirect (302 and 307) to another origin carries no credential there: not the
     * API key's {@code Authorization}, not {@code X-Api-Key}, {@code api_key}, {@code apikey}, not
     * a header whose name marks it secret, for chat (with its POST body) and SSE (issue 17 defect 2).
     *
     * @throws Exception on failure
     */
    @Test
    public void crossOriginRedirectsDropEveryCredential() throws Exception {
        Transport transport = newTransport();
        for (int status : new int[] {302, 307}) {
            try (HostileServer elsewhere = HostileServer.start(HostileServer.neverAnswers());
                    HostileServer redirecting = HostileServer.start(
                            HostileServer.redirect(status, elsewhere.uri("/landed").toString()));
                    StreamingChat chat = chat(redirecting.uri("/v1/chat/completions"), transport);
                    SseClient sse = sse(redirecting.uri("/events"), transport)) {
                chat.send(ChatRequest.builder().message(Message.user("hello")).build());
                sse.connect();
                await().atMost(WAIT).until(() -> elsewhere.requestHeads().size() >= 2);
                chat.cancelAll();
                sse.disconnect();
                for (String head : elsewhere.requestHeads()) {
                    for (String secret : List.of(API_KEY, BEARER, X_API_KEY, MARKED, API_KEY_HEADER)) {
                        assertThat(head).as("request sent to the other origin after a %d", status)
                                .doesNotContain(secret);
                    }
                }
            }
        }
    }

    /**
     * Contract: a 401 whose body echoes the whole request head (credentials included) leaves no
     * secret in the {@link HttpStatusException} (message, {@code toString}, body excerpt), the
     * log or any {@code toString}, for chat, SSE and the WebSocket handshake (issue 17 defect 16).
     *
     * @throws Exception on failure
     */
    @Test
    public void echoing401KeepsSecrets() throws Exception {
        Transport transport = newTransport();
        inspected.add(transport);
        try (HostileServer server = HostileServer.start(HostileServer.echoing401());
                StreamingChat chat = chat(server.uri("/v1/chat/completions"), transport);
                SseClient sse = sse(server.uri("/events"), transport)) {
            chatOnce(chat);
            int before = errors.size();
            sse.connect();
            await().atMost(WAIT).until(() -> errors.size() > before);
            int before2 = errors.size();
            try (RealtimeClient ws = ws(server.wsUri("/ws"), transport)) {
                ws.connect();
                await().atMost(WAIT).until(() -> errors.size() > before2);
            }
            assertThat(server.requestHeads()).as("the server saw the credentials it echoes")
                    .anySatisfy(h -> assertThat(h).contains(API_KEY));
            assertThat(errors).anySatisfy(e -> assertThat(e).isInstanceOf(HttpStatusException.class));
        }
        assertNoSecretAnywhere();
    }

    /**
     * A server that answers 200 and then sends an error event echoing the request (issue 17
     * leftover): the message ends in {@code ERROR} with the server's text, and no secret is in it,
     * in the call, or anywhere else.
     *
     * @throws Exception if the test fails
     */
    @Test
    public void anErrorEventInsideA2xxStreamThatEchoesTheRequestKeepsSecrets() throws Exception {
        Transport transport = newTransport();
        inspected.add(transport);
        try (HostileServer server = HostileServer.start(HostileServer.echoingErrorEvent());
                StreamingChat chat = chat(server.uri("/v1/chat/completions"), transport)) {
            chatOnce(chat);
            assertThat(server.requestHeads()).as("the server saw the credentials it echoes")
                    .anySatisfy(h -> assertThat(h).contains(API_KEY));
            assertThat(chat.messages().values()).anySatisfy(m -> {
                assertThat(m.state()).isEqualTo(StreamingMessage.State.ERROR);
                assertThat(m.error()).hasValueSatisfying(e -> assertThat(e.message())
                        .contains("upstream rejected").contains("<redacted>"));
            });
        }
        assertNoSecretAnywhere();
    }
}
