package io.noa.realtime.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of a chat request. Immutable and thread-safe.
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#message -->
 * <pre>{@code
 * List<Message> messages = List.of(
 *         Message.system("You are terse."),
 *         Message.user("Weather in Oslo?"));
 * }</pre>
 */
public final class Message {
    private final Role role;
    private final String content;
    private final String name;
    private final String toolCallId;
    private final List<ToolCall> toolCalls;

    private Message(Role role, String content, String name, String toolCallId, List<ToolCall> toolCalls) {
        this.role = Objects.requireNonNull(role, "role");
        this.content = content;
        this.name = ChatJson.emptyToNull(name);
        this.toolCallId = ChatJson.emptyToNull(toolCallId);
        this.toolCalls = List.copyOf(toolCalls);
    }

    /**
     * A message with the given role and content.
     *
     * @param role the role
     * @param content the text
     * @return the message
     */
    public static Message of(Role role, String content) {
        return new Message(role, Objects.requireNonNull(content, "content"), null, null, List.of());
    }

    /**
     * A system message.
     *
     * @param content the instructions
     * @return the message
     */
    public static Message system(String content) {
        return of(Role.SYSTEM, content);
    }

    /**
     * A developer message (the newer name for system instructions on some models).
     *
     * @param content the instructions
     * @return the message
     */
    public static Message developer(String content) {
        return of(Role.DEVELOPER, content);
    }

    /**
     * A user message.
     *
     * @param content the text
     * @return the message
     */
    public static Message user(String content) {
        return of(Role.USER, content);
    }

    /**
     * An assistant message, e.g. an earlier answer replayed to the model.
     *
     * @param content the text
     * @return the message
     */
    public static Message assistant(String content) {
        return of(Role.ASSISTANT, content);
    }

    /**
     * An assistant message that called tools, replayed to the model before the tool results.
     *
     * @param content the text, or {@code null} when the assistant only called tools
     * @param toolCalls the calls (each with an id, a name and arguments)
     * @return the message
     */
    public static Message assistant(String content, List<ToolCall> toolCalls) {
        Objects.requireNonNull(toolCalls, "toolCalls");
        return new Message(Role.ASSISTANT, content, null, null, toolCalls);
    }

    /**
     * The assistant message a finished stream produced (first choice: content and tool calls), to
     * continue the conversation.
     *
     * @param streamed the accumulated message
     * @return the message
     */
    public static Message assistant(StreamingMessage streamed) {
        Objects.requireNonNull(streamed, "streamed");
        List<ToolCall> calls = streamed.toolCalls();
        String text = streamed.content();
        return new Message(Role.ASSISTANT, calls.isEmpty() || !text.isEmpty() ? text : null, null, null, calls);
    }

    /**
     * The result of a tool call.
     *
     * @param toolCallId the id of the call this answers ({@link ToolCall#id()})
     * @param content the result text (often JSON)
     * @return the message
     */
    public static Message tool(String toolCallId, String content) {
        Objects.requireNonNull(toolCallId, "toolCallId");
        Objects.requireNonNull(content, "content");
        if (toolCallId.isEmpty()) {
            throw new IllegalArgumentException("toolCallId must not be empty");
        }
        return new Message(Role.TOOL, content, null, toolCallId, List.of());
    }

    /**
     * A copy of this message with a participant name.
     *
     * @param name the name, or {@code null} to remove it
     * @return the new message
     */
    public Message withName(String name) {
        return new Message(role, content, name, toolCallId, toolCalls);
    }

    /**
     * The role.
     *
     * @return the role
     */
    public Role role() {
        return role;
    }

    /**
     * The text.
     *
     * @return the content; empty only for an assistant message that just called tools
     */
    public Optional<String> content() {
        return Optional.ofNullable(content);
    }

    /**
     * The participant name.
     *
     * @return the name, if set
     */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /**
     * The id of the tool call a {@link Role#TOOL} message answers.
     *
     * @return the id, for tool messages
     */
    public Optional<String> toolCallId() {
        return Optional.ofNullable(toolCallId);
    }

    /**
     * The tool calls of an assistant message.
     *
     * @return an unmodifiable list, possibly empty
     */
    public List<ToolCall> toolCalls() {
        return toolCalls;
    }

    /**
     * Writes this message as an OpenAI chat request message object.
     *
     * @param g the generator, positioned where a value may be written
     * @throws IOException if the generator fails
     */
    public void writeTo(JsonGenerator g) throws IOException {
        Objects.requireNonNull(g, "g");
        g.writeStartObject();
        g.writeStringField("role", role.wireName());
        if (content != null) {
            g.writeStringField("content", content);
        } else {
            g.writeNullField("content");
        }
        if (name != null) {
            g.writeStringField("name", name);
        }
        if (toolCallId != null) {
            g.writeStringField("tool_call_id", toolCallId);
        }
        if (!toolCalls.isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall c : toolCalls) {
                g.writeStartObject();
                if (c.id().isPresent()) {
                    g.writeStringField("id", c.id().get());
                }
                g.writeStringField("type", c.type().orElse("function"));
                g.writeObjectFieldStart("function");
                g.writeStringField("name", c.name().orElse(""));
                g.writeStringField("arguments", c.arguments());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Message)) {
            return false;
        }
        Message m = (Message) o;
        return role == m.role && Objects.equals(content, m.content) && Objects.equals(name, m.name)
                && Objects.equals(toolCallId, m.toolCallId) && toolCalls.equals(m.toolCalls);
    }

    @Override
    public int hashCode() {
        return Objects.hash(role, content, name, toolCallId, toolCalls);
    }

    @Override
    public String toString() {
        return "Message{role=" + role.wireName() + ", content=" + content
                + (name != null ? ", name=" + name : "") + (toolCallId != null ? ", toolCallId=" + toolCallId : "")
                + (toolCalls.isEmpty() ? "" : ", toolCalls=" + toolCalls) + '}';
    }
}
