package io.noa.realtime.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The wire formats of the non-default chat dialects: Anthropic Messages and OpenAI Responses
 * event streams, whole answers and error bodies, shaped like the real APIs' (the parts a client
 * reads).
 */
final class DialectScripts {
    private static final AtomicLong IDS = new AtomicLong();

    private DialectScripts() {}

    // ---- Anthropic Messages

    /** message_start, one text block streamed token by token, message_delta (end_turn, usage), message_stop. */
    static List<ScriptStep> anthropic(String model, List<String> tokens, Duration delay, boolean end, int promptTokens) {
        String id = "msg_mock" + IDS.incrementAndGet();
        List<ScriptStep> steps = new ArrayList<>();
        ObjectNode start = type("message_start");
        ObjectNode message = start.putObject("message");
        message.put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", 1);
        steps.add(event("message_start", start));
        ObjectNode blockStart = type("content_block_start").put("index", 0);
        blockStart.putObject("content_block").put("type", "text").put("text", "");
        steps.add(event("content_block_start", blockStart));
        steps.add(event("ping", type("ping")));
        for (String token : tokens) {
            if (!delay.isZero()) {
                steps.add(new ScriptStep.Pause(delay));
            }
            ObjectNode d = type("content_block_delta").put("index", 0);
            d.putObject("delta").put("type", "text_delta").put("text", token);
            steps.add(event("content_block_delta", d));
        }
        steps.add(event("content_block_stop", type("content_block_stop").put("index", 0)));
        ObjectNode md = type("message_delta");
        md.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
        md.putObject("usage").put("output_tokens", tokens.size());
        steps.add(event("message_delta", md));
        if (end) {
            steps.add(event("message_stop", type("message_stop")));
        }
        steps.add(new ScriptStep.End());
        return steps;
    }

    /** A non-streamed Messages answer. */
    static String anthropicMessage(String model, String text, int promptTokens, int completionTokens) {
        ObjectNode m = ChatChunks.JSON.createObjectNode();
        m.put("id", "msg_mock" + IDS.incrementAndGet()).put("type", "message").put("role", "assistant").put("model", model);
        m.putArray("content").addObject().put("type", "text").put("text", text);
        m.put("stop_reason", "end_turn").putNull("stop_sequence");
        m.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", completionTokens);
        return m.toString();
    }

    /** An Anthropic error body {@code {"type":"error","error":{"type","message"}}}. */
    static String anthropicError(int status, String message) {
        ObjectNode root = type("error");
        root.putObject("error").put("type", anthropicErrorType(status)).put("message", message);
        return root.toString();
    }

    private static String anthropicErrorType(int status) {
        switch (status) {
            case 401: return "authentication_error";
            case 403: return "permission_error";
            case 404: return "not_found_error";
            case 413: return "request_too_large";
            case 429: return "rate_limit_error";
            case 529: return "overloaded_error";
            default: return status >= 500 ? "api_error" : "invalid_request_error";
        }
    }

    // ---- OpenAI Responses

    /**
     * response.created, in_progress, a message item whose text streams token by token
     * (output_text.delta), its done events, then response.completed with usage.
     */
    static List<ScriptStep> responses(String model, List<String> tokens, Duration delay, boolean end, int promptTokens) {
        String id = "resp_mock" + IDS.incrementAndGet();
        String item = "msg_mock" + IDS.incrementAndGet();
        long created = System.currentTimeMillis() / 1000;
        int[] seq = {0};
        List<ScriptStep> steps = new ArrayList<>();
        steps.add(event("response.created", seqd(type("response.created"), seq).set("response",
                response(id, model, created, "in_progress"))));
        steps.add(event("response.in_progress", seqd(type("response.in_progress"), seq).set("response",
                response(id, model, created, "in_progress"))));
        ObjectNode added = seqd(type("response.output_item.added"), seq).put("output_index", 0);
        added.putObject("item").put("id", item).put("type", "message").put("status", "in_progress")
                .put("role", "assistant").putArray("content");
        steps.add(event("response.output_item.added", added));
        StringBuilder text = new StringBuilder();
        for (String token : tokens) {
            if (!delay.isZero()) {
                steps.add(new ScriptStep.Pause(delay));
            }
            text.append(token);
            ObjectNode d = seqd(type("response.output_text.delta"), seq).put("item_id", item).put("output_index", 0)
                    .put("content_index", 0).put("delta", token);
            steps.add(event("response.output_text.delta", d));
        }
        steps.add(event("response.output_text.done", seqd(type("response.output_text.done"), seq).put("item_id", item)
                .put("output_index", 0).put("content_index", 0).put("text", text.toString())));
        ObjectNode done = seqd(type("response.output_item.done"), seq).put("output_index", 0);
        ObjectNode doneItem = done.putObject("item").put("id", item).put("type", "message").put("status", "completed")
                .put("role", "assistant");
        doneItem.putArray("content").addObject().put("type", "output_text").put("text", text.toString())
                .putArray("annotations");
        steps.add(event("response.output_item.done", done));
        if (end) {
            ObjectNode r = response(id, model, created, "completed");
            r.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", tokens.size())
                    .put("total_tokens", promptTokens + tokens.size());
            steps.add(event("response.completed", seqd(type("response.completed"), seq).set("response", r)));
        }
        steps.add(new ScriptStep.End());
        return steps;
    }

    /** A non-streamed Responses answer. */
    static String responsesWhole(String model, String text, int promptTokens, int completionTokens) {
        ObjectNode r = response("resp_mock" + IDS.incrementAndGet(), model, System.currentTimeMillis() / 1000, "completed");
        ObjectNode msg = r.putArray("output").addObject().put("id", "msg_mock" + IDS.incrementAndGet())
                .put("type", "message").put("status", "completed").put("role", "assistant");
        msg.putArray("content").addObject().put("type", "output_text").put("text", text).putArray("annotations");
        r.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return r.toString();
    }

    private static ObjectNode response(String id, String model, long created, String status) {
        ObjectNode r = ChatChunks.JSON.createObjectNode();
        r.put("id", id).put("object", "response").put("created_at", created).put("status", status).put("model", model);
        r.putArray("output");
        r.putNull("usage");
        return r;
    }

    private static ObjectNode seqd(ObjectNode n, int[] seq) {
        return n.put("sequence_number", seq[0]++);
    }

    // ---- common

    /** The text of the last user message of an Anthropic {@code messages} or a Responses {@code input}. */
    static String lastUserText(JsonNode turns) {
        String last = "";
        if (turns != null && turns.isTextual()) {
            return turns.asText();
        }
        if (turns != null && turns.isArray()) {
            for (JsonNode m : turns) {
                if ("user".equals(m.path("role").asText())) {
                    JsonNode content = m.get("content");
                    String t = content != null && content.isArray() ? textParts(content) : ChatChunks.textOf(content);
                    if (!t.isEmpty()) {
                        last = t;
                    }
                }
            }
        }
        return last;
    }

    private static String textParts(JsonNode parts) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : parts) {
            String type = p.path("type").asText();
            if (type.equals("text") || type.equals("input_text")) {
                sb.append(p.path("text").asText(""));
            }
        }
        return sb.toString();
    }

    private static ObjectNode type(String type) {
        return ChatChunks.JSON.createObjectNode().put("type", type);
    }

    private static ScriptStep event(String name, JsonNode data) {
        return new ScriptStep.Write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
