package io.noa.realtime.samples;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.Subscription;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Streams one answer to a terminal: the chat's listener only queues snapshots; the calling thread
 * prints the new part of {@code content()} and the HTTP connection state, so output never
 * interleaves.
 */
final class AnswerStreamer {
    /** What one streamed answer measured. */
    record Answer(StreamingMessage message, long tokens, Optional<Duration> timeToFirstToken, Duration streaming) {
        boolean completed() {
            return message.state() == StreamingMessage.State.COMPLETED;
        }

        String text() {
            return message.content();
        }

        double tokensPerSecond() {
            long nanos = Math.max(1, streaming.toNanos());
            return tokens * 1e9 / nanos;
        }
    }

    private final StreamingChat chat;
    private final PrintStream out;
    private ConnectionState lastState = ConnectionState.DISCONNECTED;
    private boolean midLine;

    AnswerStreamer(StreamingChat chat, PrintStream out) {
        this.chat = chat;
        this.out = out;
    }

    /** Sends the conversation and prints the answer as it arrives; blocks until it ends. */
    Answer stream(List<Message> conversation, Duration timeout) throws InterruptedException, TimeoutException {
        BlockingQueue<StreamingMessage> updates = new LinkedBlockingQueue<>();
        long start = System.nanoTime();
        long firstToken = -1;
        int printed = 0;
        // region:guide-shape
        Subscription subscription = chat.onUpdate(updates::add);   // one StreamingMessage snapshot per token
        // each snapshot m: m.content() so far, m.isStreaming(), m.state(), m.finishReason(), m.usage()
        String id;
        try {
            id = chat.sendMessage(conversation);                     // returns at once (= send(request).id())
        } catch (RuntimeException e) {                               // e.g. LimitExceededException, closed chat
            subscription.close();
            throw e;
        }
        // endregion:guide-shape
        try {
            observeState();
            long deadline = start + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                // region:cancel
                if (left <= 0) {
                    chat.cancelStream(id);
                    throw new TimeoutException("no complete answer within " + timeout.toSeconds() + " s");
                }
                // endregion:cancel
                StreamingMessage m = updates.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
                if (m == null) {
                    // the HTTP side may report the end before the last snapshot reached the listener:
                    // the end of the stream is printed by settle(), after the last token
                    if (chat.connectionState() != ConnectionState.DISCONNECTED) {
                        observeState();
                    }
                    continue;
                }
                if (!m.id().equals(id)) {
                    continue;
                }
                String content = m.content();
                if (content.length() > printed) {
                    if (firstToken < 0) {
                        firstToken = System.nanoTime();
                        // the state is polled: the first token can overtake the CONNECTED report
                        awaitLeaving(ConnectionState.CONNECTING);
                        observeState();
                    }
                    out.print(content.substring(printed));
                    out.flush();
                    midLine = true;
                    printed = content.length();
                }
                if (!m.isStreaming()) {
                    long end = System.nanoTime();
                    endLine();
                    settle();
                    long tokens = m.usage().map(u -> u.completionTokens()).filter(n -> n > 0)
                            .orElse((long) m.chunkCount());
                    if (firstToken < 0) {
                        // no token arrived: there is no time to first token, and nothing streamed
                        return new Answer(m, tokens, Optional.empty(), Duration.ZERO);
                    }
                    return new Answer(m, tokens, Optional.of(Duration.ofNanos(firstToken - start)),
                            Duration.ofNanos(end - firstToken));
                }
            }
        } finally {
            subscription.close();
        }
    }

    /** Waits briefly for the HTTP side to report the finished stream, then prints the state. */
    private void settle() throws InterruptedException {
        awaitLeaving(ConnectionState.CONNECTED);
        observeState();
    }

    private void awaitLeaving(ConnectionState state) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (chat.connectionState() == state && System.nanoTime() < until) {
            Thread.sleep(1);
        }
    }

    private void observeState() {
        ConnectionState now = chat.connectionState();
        if (now != lastState) {
            endLine();
            out.println("[state] http " + lastState + " -> " + now);
            lastState = now;
        }
    }

    private void endLine() {
        if (midLine) {
            out.println();
            midLine = false;
        }
    }
}
