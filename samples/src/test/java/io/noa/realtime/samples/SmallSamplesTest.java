package io.noa.realtime.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SmallSamplesTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pickTransportShowsDiscoveryAndExplicitChoices() {
        assertThat(PickTransport.run(out)).isZero();

        assertThat(printed()).contains("provider netty priority", "provider jdk priority")
                .contains("Transports.load()        -> netty")
                .contains("Transports.load(\"jdk\")   -> jdk")
                .contains("JdkTransport.create()    -> jdk")
                .contains("NettyTransport.create()  -> netty");
    }

    @Test
    void customEventTypesArriveTypedOverWebSocketAndSse() throws Exception {
        assertThat(CustomEventTypes.run(out)).isZero();

        assertThat(printed())
                .contains("[bob] order:update OrderUpdate[orderId=A-17, status=packed, items=3]")
                .contains("[bob] order:update OrderUpdate[orderId=A-17, status=shipped, items=3]")
                .contains("[shop] ack OrderAck[ok=true, orderId=A-17]")
                .contains("[sse] progress download 40%", "[sse] progress verify 100%");
    }

    @Test
    void typingAndPresenceAreSeenByTheOtherUser() throws Exception {
        assertThat(TypingAndPresence.run(out)).isZero();

        assertThat(printed()).contains("[bob] presence alice online {\"device\":\"laptop\"}")
                .contains("[bob] typing: [alice]", "[bob] typing: nobody")
                .contains("[bob] presence alice away");
    }

    @Test
    void chatCallSampleWaitsForTheAnswerAndFollowsOneMessage() throws Exception {
        assertThat(ChatCallSample.run(out)).isZero();

        assertThat(printed()).contains("[call] COMPLETED: One handle per message.")
                .contains("[updates] COMPLETED: One handle per message.")
                .contains("[updates] complete")
                .doesNotContain("never happens");
    }

    @Test
    void chatDialectsStreamTheSameRequestInEachDialect() throws Exception {
        assertThat(ChatDialects.run(out)).isZero();

        assertThat(printed()).contains("[openai-chat] COMPLETED: One dialect at a time")
                .contains("[anthropic-messages] COMPLETED: One dialect at a time (")
                .contains("[openai-responses] COMPLETED: One dialect at a time (");
    }

    @Test
    void rxPipelinePrintsChunksThenTheWholeAnswer() {
        assertThat(RxPipeline.run(out)).isZero();

        assertThat(printed()).contains("[rx] chunk 'Rx'").contains("[rx] chunk ' streams,'")
                .containsPattern("\\[rx\\] \\d+ chunks; answer: Rx streams, one chunk at a time\\.");
    }

    @Test
    void reactorPipelinePrintsChunksThenTheWholeAnswer() {
        assertThat(ReactorPipeline.run(out)).isZero();

        assertThat(printed()).contains("[reactor] chunk 'Reactor'")
                .containsPattern("\\[reactor\\] \\d+ chunks; answer: Reactor streams, one chunk at a time\\.");
    }

    @Test
    void daggerWiringStreamsAnAnswerThroughTheComponent() throws Exception {
        assertThat(DaggerWiring.run(out)).isZero();

        assertThat(printed()).contains("[dagger] transport netty")
                .contains("[dagger] COMPLETED answer: Wired by Dagger.")
                .contains("apiKey=***").doesNotContain("sk-sample");
    }

    @Test
    void sseConfigurationReconnectsWithLastEventId() throws Exception {
        assertThat(SseConfiguration.run(out)).isZero();

        assertThat(printed()).contains("[sse] open")
                .contains("[sse] progress id=1 {\"percent\":50}")
                .contains("[sse] message id=2 hello")
                .contains("[sse] progress id=3 {\"percent\":100}")
                .contains("[sse] Last-Event-ID per connection: [Optional.empty, Optional[2]]")
                .contains("[sse] token versions sent: [1, 2]")
                .contains("[sse] client lastEventId 3")
                .contains("[sse] state CONNECTING -> CONNECTED", "[sse] state CONNECTED -> RECONNECTING")
                .contains("[sse] closed, state CLOSED");
    }
}
