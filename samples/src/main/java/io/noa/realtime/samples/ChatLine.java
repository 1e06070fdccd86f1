package io.noa.realtime.samples;

/**
 * A room message as the {@code RoomServer} relays it ({@code message:new}): a plain class with
 * public fields, decoded by the client's Jackson codec through {@code EventType.of(name, ChatLine.class)}.
 */
public final class ChatLine {
    /** The room. */
    public String roomId;
    /** Who sent it. */
    public String userId;
    /** The text. */
    public String content;
    /** The server-assigned id (the same one the sender's acknowledgement carries). */
    public String id;

    /** For Jackson. */
    public ChatLine() {}
}
