package io.noa.realtime.ws;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One protocol message as WebSocket frames: a text frame followed by zero or more binary frames
 * (e.g. a Socket.IO BINARY_EVENT and its attachments). The client sends the frames of one message
 * back to back, in order, and no frame of another message goes between them. Immutable: the
 * attachments are read-only views whose content the creator MUST NOT change afterwards.
 */
public final class WireMessage {
    private final String text;
    private final List<ByteBuffer> attachments;
    private final long attachmentBytes;

    private WireMessage(String text, List<ByteBuffer> attachments, long attachmentBytes) {
        this.text = text;
        this.attachments = attachments;
        this.attachmentBytes = attachmentBytes;
    }

    /**
     * A message of one text frame.
     *
     * @param text the frame
     * @return the message
     */
    public static WireMessage text(String text) {
        return new WireMessage(Objects.requireNonNull(text, "text"), List.of(), 0);
    }

    /**
     * A text frame followed by binary frames.
     *
     * @param text the first frame
     * @param attachments the binary frames that follow it, in order (each from its position to its
     *     limit; not copied: the caller MUST NOT change their content afterwards)
     * @return the message
     */
    public static WireMessage of(String text, List<ByteBuffer> attachments) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(attachments, "attachments");
        if (attachments.isEmpty()) {
            return text(text);
        }
        List<ByteBuffer> views = new ArrayList<>(attachments.size());
        long bytes = 0;
        for (ByteBuffer b : attachments) {
            Objects.requireNonNull(b, "attachment");
            views.add(b.asReadOnlyBuffer());
            bytes += b.remaining();
        }
        return new WireMessage(text, Collections.unmodifiableList(views), bytes);
    }

    /**
     * The text frame, sent first.
     *
     * @return the text
     */
    public String text() {
        return text;
    }

    /**
     * The binary frames that follow the text frame.
     *
     * @return read-only views, in order; empty for a text-only message. Use a
     *     {@link ByteBuffer#duplicate()} to read one without moving its position
     */
    public List<ByteBuffer> attachments() {
        return attachments;
    }

    /**
     * The bytes of all attachments together.
     *
     * @return the sum of their remaining bytes
     */
    public long attachmentBytes() {
        return attachmentBytes;
    }

    @Override
    public String toString() {
        // the content may be private: sizes only
        return "WireMessage{text=" + text.length() + " chars, attachments=" + attachments.size() + ", "
                + attachmentBytes + " bytes}";
    }
}
