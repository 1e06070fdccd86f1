package io.noa.realtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Anthropic Messages stream decoder. {@code message_start} gives the id, model and first usage;
 * per content block, {@code text_delta} is content, {@code thinking_delta} reasoning (its
 * {@code signature_delta} is kept as the choice extra {@code thinking_signature}),
 * {@code citations_delta} an annotation, {@code tool_use} blocks become tool calls numbered 0, 1, …
 * in block order whose {@code input_json_delta} fragments are the arguments text;
 * {@code message_delta} gives the stop reason (the raw value is the finish reason) and usage;
 * {@code error} an error chunk; {@code ping} and unknown events nothing. Usage is
 * {@code message_start}'s merged with every later {@code message_delta}'s: {@code input_tokens} and
 * {@code output_tokens} are the prompt and completion counts, the other fields (cache counts,
 * service tier) are {@link Usage#details()}. A whole {@code {"type":"message"}} answer (the server
 * ignored {@code stream}) decodes too. One instance per stream; not thread-safe. Not API.
 */
final class AnthropicChunkDecoder extends DialectDecoder {
    /** Block index to what the block is; tool blocks carry their call number. */
    private final Map<Integer, Block> blocks = new HashMap<>();
    private final Map<String, JsonNode> usage = new LinkedHashMap<>();
    private int tools;

    private static final class Block {
        final String type;
        final int tool;
        final String initialInput;
        boolean gotArguments;

        Block(String type, int tool, String initialInput) {
            this.type = type;
            this.tool = tool;
            this.initialInput = initialInput;
        }
    }

    @Override
    List<StreamChunk> decodeEvent(String type, JsonNode root) {
        switch (type) {
            case "message_start":
                return List.of(messageStart(root.path("message")));
            case "content_block_start":
                return blockStart(index(root.get("index")), root.path("content_block"));
            case "content_block_delta":
                return blockDelta(index(root.get("index")), root.path("delta"));
            case "content_block_stop":
                return blockStop(index(root.get("index")));
            case "message_delta":
                return List.of(messageDelta(root));
            case "error":
                return List.of(StreamChunk.ofError(error(root.path("error").isObject() ? root.get("error") : root, null)));
            case "message":
                return List.of(wholeMessage(root));
            default:
                return List.of(); // message_stop (the end rule), ping, unknown events
        }
    }

    private StreamChunk messageStart(JsonNode message) {
        StreamChunk.Builder b = StreamChunk.builder().id(text(message.get("id"))).model(text(message.get("model")))
                .object(text(message.get("type")));
        Delta.Builder d = Delta.builder().role(text(message.get("role")) != null ? text(message.get("role")) : "assistant");
        b.addChoice(Choice.builder().index(0).delta(d.build()).build());
        b.usage(mergeUsage(message.get("usage")));
        return b.build();
    }

    private List<StreamChunk> blockStart(int index, JsonNode block) {
        String type = text(block.get("type"));
        if (type == null) {
            return List.of();
        }
        switch (type) {
            case "text": {
                blocks.put(index, new Block(type, -1, null));
                String t = text(block.get("text"));
                return t == null || t.isEmpty() ? List.of() : List.of(deltaChunk(Delta.builder().content(t).build()));
            }
            case "thinking": {
                blocks.put(index, new Block(type, -1, null));
                String t = text(block.get("thinking"));
                return t == null || t.isEmpty() ? List.of() : List.of(deltaChunk(Delta.builder().reasoning(t).build()));
            }
            case "tool_use":
            case "server_tool_use": {
                JsonNode input = block.get("input");
                String initial = input != null && input.isObject() ? input.toString() : null;
                Block b = new Block(type, tools++, initial);
                blocks.put(index, b);
                ToolCall call = ToolCall.builder().index(b.tool).id(text(block.get("id")))
                        .type("tool_use".equals(type) ? "function" : type).name(text(block.get("name"))).build();
                return List.of(deltaChunk(Delta.builder().addToolCall(call).build()));
            }
            default:
                // redacted_thinking, web_search_tool_result, ...: kept whole, by type, as an extra
                blocks.put(index, new Block(type, -1, null));
                return List.of(deltaChunk(Delta.builder().extra(type, block).build()));
        }
    }

    private List<StreamChunk> blockDelta(int index, JsonNode delta) {
        String type = text(delta.get("type"));
        if (type == null) {
            return List.of();
        }
        switch (type) {
            case "text_delta":
                return textDelta(Delta.builder().content(text(delta.get("text"))));
            case "thinking_delta":
                return textDelta(Delta.builder().reasoning(text(delta.get("thinking"))));
            case "signature_delta":
                return List.of(deltaChunk(Delta.builder().extra("thinking_signature", delta.path("signature")).build()));
            case "citations_delta":
                JsonNode citation = delta.get("citation");
                return citation == null || citation.isNull() ? List.of()
                        : List.of(deltaChunk(Delta.builder().addAnnotation(citation).build()));
            case "input_json_delta": {
                Block b = blocks.get(index);
                if (b == null || b.tool < 0) {
                    return List.of();
                }
                String part = text(delta.get("partial_json"));
                if (part == null || part.isEmpty()) {
                    return List.of(); // the first fragment is often ""
                }
                b.gotArguments = true;
                ToolCall call = ToolCall.builder().index(b.tool).arguments(part).build();
                return List.of(deltaChunk(Delta.builder().addToolCall(call).build()));
            }
            default:
                return List.of();
        }
    }

    private static List<StreamChunk> textDelta(Delta.Builder d) {
        Delta delta = d.build();
        return delta.isEmpty() ? List.of() : List.of(deltaChunk(delta));
    }

    /** A tool block that streamed no arguments gets its initial {@code input} ({@code {}} for no arguments). */
    private List<StreamChunk> blockStop(int index) {
        Block b = blocks.get(index);
        if (b == null || b.tool < 0 || b.gotArguments || b.initialInput == null) {
            return List.of();
        }
        b.gotArguments = true;
        ToolCall call = ToolCall.builder().index(b.tool).arguments(b.initialInput).build();
        return List.of(deltaChunk(Delta.builder().addToolCall(call).build()));
    }

    private StreamChunk messageDelta(JsonNode root) {
        JsonNode delta = root.path("delta");
        StreamChunk.Builder b = StreamChunk.builder();
        String stop = text(delta.get("stop_reason"));
        String sequence = text(delta.get("stop_sequence"));
        if (stop != null || sequence != null) {
            Choice.Builder c = Choice.builder().index(0).finishReason(stop);
            if (sequence != null) {
                c.extra("stop_sequence", delta.get("stop_sequence"));
            }
            b.addChoice(c.build());
        }
        b.usage(mergeUsage(root.get("usage")));
        return b.build();
    }

    private Usage mergeUsage(JsonNode u) {
        if (u == null || !u.isObject() || u.isEmpty()) {
            return null;
        }
        mergeFields(usage, u);
        return Usage.of(number(usage.get("input_tokens")), number(usage.get("output_tokens")), -1,
                details(usage, "input_tokens", "output_tokens"));
    }

    /** A non-streamed answer: the whole message as one chunk. */
    private StreamChunk wholeMessage(JsonNode m) {
        StreamChunk.Builder b = StreamChunk.builder().id(text(m.get("id"))).model(text(m.get("model")))
                .object(text(m.get("type")));
        Delta.Builder d = Delta.builder().role(text(m.get("role")) != null ? text(m.get("role")) : "assistant");
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        for (JsonNode block : m.path("content")) {
            String type = text(block.get("type"));
            if ("text".equals(type)) {
                content.append(block.path("text").asText(""));
            } else if ("thinking".equals(type)) {
                reasoning.append(block.path("thinking").asText(""));
            } else if ("tool_use".equals(type)) {
                JsonNode input = block.get("input");
                d.addToolCall(ToolCall.builder().index(tools++).id(text(block.get("id"))).type("function")
                        .name(text(block.get("name"))).arguments(input == null || input.isNull() ? "{}" : input.toString())
                        .build());
            }
        }
        if (content.length() > 0) {
            d.content(content.toString());
        }
        if (reasoning.length() > 0) {
            d.reasoning(reasoning.toString());
        }
        b.addChoice(Choice.builder().index(0).delta(d.build()).finishReason(text(m.get("stop_reason"))).build());
        b.usage(mergeUsage(m.get("usage")));
        return b.build();
    }
}
