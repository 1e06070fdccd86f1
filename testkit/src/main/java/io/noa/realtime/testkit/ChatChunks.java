package io.noa.realtime.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** OpenAI chat completion wire formats: chunk events, complete answers and error bodies. */
final class ChatChunks {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong();

    private ChatChunks() {}

    /** Everything that is the same in all chunks of one completion. */
    record Completion(String id, long created, String model) {
        static Completion create(String model) {
            return new Completion("chatcmpl-mock" + IDS.incrementAndGet(), System.currentTimeMillis() / 1000, model);
        }
    }

    /** The script steps of a streamed completion: role chunk, tokens, finish, usage, [DONE]. */
    static List<ScriptStep> script(Completion c, List<String> tokens, Duration delay, boolean usage, boolean done,
            int promptTokens) {
        List<ScriptStep> steps = new ArrayList<>();
        ObjectNode role = JSON.createObjectNode().put("role", "assistant").put("content", "");
        steps.add(event(chunk(c, role, null)));
        for (String token : tokens) {
            if (!delay.isZero()) {
                steps.add(new ScriptStep.Pause(delay));
            }
            steps.add(event(chunk(c, JSON.createObjectNode().put("content", token), null)));
        }
        steps.add(event(chunk(c, JSON.createObjectNode(), "stop")));
        if (usage) {
            ObjectNode u = base(c);
            u.putArray("choices");
            u.set("usage", usage(promptTokens, tokens.size()));
            steps.add(event(u));
        }
        if (done) {
            steps.add(new ScriptStep.Write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII)));
        }
        steps.add(new ScriptStep.End());
        return steps;
    }

    /** A non-streamed {@code chat.completion} body. */
    static String completion(Completion c, String text, int promptTokens, int completionTokens) {
        ObjectNode root = JSON.createObjectNode()
                .put("id", c.id()).put("object", "chat.completion").put("created", c.created()).put("model", c.model());
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", "stop");
        root.set("usage", usage(promptTokens, completionTokens));
        return root.toString();
    }

    /** An OpenAI-style error body. */
    static String errorJson(int status, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", errorType(status));
        e.putNull("param");
        String code = errorCode(status);
        if (code == null) {
            e.putNull("code");
        } else {
            e.put("code", code);
        }
        return root.toString();
    }

    /** Splits text into tokens at word starts: {@code "Hi there"} becomes {@code "Hi", " there"}. */
    static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String t : text.split("(?<=\\S)(?=\\s)")) {
            out.add(t);
        }
        return out;
    }

    /** A rough prompt size: the number of words in all message contents. */
    static int countWords(JsonNode messages) {
        int n = 0;
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                n += tokenize(textOf(m.get("content")).strip()).size();
            }
        }
        return n;
    }

    /** The text of a message content: a string, or the text parts of an array. */
    static String textOf(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.path("text").isTextual()) {
                    sb.append(part.get("text").asText());
                }
            }
        }
        return sb.toString();
    }

    private static ObjectNode base(Completion c) {
        return JSON.createObjectNode()
                .put("id", c.id()).put("object", "chat.completion.chunk").put("created", c.created()).put("model", c.model());
    }

    private static ObjectNode chunk(Completion c, ObjectNode delta, String finishReason) {
        ObjectNode root = base(c);
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return root;
    }

    private static ObjectNode usage(int prompt, int completion) {
        return JSON.createObjectNode()
                .put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
    }

    private static ScriptStep event(ObjectNode json) {
        return new ScriptStep.Write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String errorType(int status) {
        if (status == 429) {
            return "rate_limit_exceeded";
        }
        if (status == 401 || status == 403) {
            return "invalid_request_error";
        }
        return status >= 500 ? "server_error" : "invalid_request_error";
    }

    private static String errorCode(int status) {
        switch (status) {
            case 401: return "invalid_api_key";
            case 404: return "not_found";
            case 405: return "method_not_allowed";
            case 413: return "request_too_large";
            case 429: return "rate_limit_exceeded";
            default: return null;
        }
    }
}
