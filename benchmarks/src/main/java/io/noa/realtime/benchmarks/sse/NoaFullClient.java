package io.noa.realtime.benchmarks.sse;

import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.spi.Transport;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ours, full pipeline: a {@link StreamingChat} on one transport sends the chat request and parses,
 * decodes and accumulates the answer, with an {@code onUpdate} listener that sees every snapshot
 * (as a UI would). The final message must be {@code COMPLETED} with every chunk and exactly the
 * stream's content.
 */
final class NoaFullClient extends BenchClient {
    private final StreamingChat chat;
    private volatile CompletableFuture<StreamingMessage> current;

    NoaFullClient(String transportName, URI uri, Transport transport) {
        super("noa-" + transportName + "-full", "noa StreamingChat (" + transportName + ")", Kind.FULL, true);
        this.chat = StreamingChat.builder(uri).transport(transport).model("gpt-4o-mini").build();
        chat.onUpdate(message -> {
            if (!message.isStreaming()) {
                CompletableFuture<StreamingMessage> f = current;
                if (f != null) {
                    f.complete(message);
                }
            }
        });
    }

    @Override
    void run(Expected expected) throws Exception {
        CompletableFuture<StreamingMessage> done = new CompletableFuture<>();
        current = done;
        String id = chat.sendMessage(List.of(Message.user("Tell me everything.")));
        StreamingMessage message;
        try {
            message = done.get(5, TimeUnit.MINUTES);
        } finally {
            current = null;
            chat.cancelStream(id);
            chat.forget(id);
        }
        if (message.state() != StreamingMessage.State.COMPLETED) {
            throw new IllegalStateException(name + " ended in state " + message.state()
                    + message.failure().map(t -> ": " + t).orElse(""));
        }
        checkCount("chunks", message.chunkCount(), expected.chunks());
        checkContent(message.content(), expected);
    }

    @Override
    public void close() {
        chat.close();
    }
}
