package io.noa.realtime.benchmarks.sse;

import io.noa.realtime.chat.ChatCall;
import io.noa.realtime.chat.ChatRequest;
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
 * decodes and accumulates the answer, either with an {@code onUpdate} listener that sees every
 * snapshot (as a UI would; id {@code noa-<transport>-full}) or waiting for
 * {@link ChatCall#result()} only, as a program that wants the answer does (no snapshot per chunk;
 * id {@code noa-<transport>-result}). The final message must be {@code COMPLETED} with every chunk
 * and exactly the stream's content.
 */
final class NoaFullClient extends BenchClient {
    private final StreamingChat chat;
    private final boolean everySnapshot;
    private volatile CompletableFuture<StreamingMessage> current;

    NoaFullClient(String transportName, URI uri, Transport transport) {
        this(transportName, uri, transport, true);
    }

    NoaFullClient(String transportName, URI uri, Transport transport, boolean everySnapshot) {
        super("noa-" + transportName + (everySnapshot ? "-full" : "-result"), "noa StreamingChat (" + transportName
                + (everySnapshot ? ")" : ", result() only)"), Kind.FULL, true);
        this.everySnapshot = everySnapshot;
        this.chat = StreamingChat.builder(uri).transport(transport).model("gpt-4o-mini").build();
        if (!everySnapshot) {
            return;
        }
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
        if (!everySnapshot) {
            ChatCall call = chat.send(ChatRequest.builder().messages(List.of(Message.user("Tell me everything."))).build());
            StreamingMessage message;
            try {
                message = call.result().get(5, TimeUnit.MINUTES);
            } finally {
                call.cancel();
                chat.forget(call.id());
            }
            check(message, expected);
            return;
        }
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
        check(message, expected);
    }

    private void check(StreamingMessage message, Expected expected) {
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
