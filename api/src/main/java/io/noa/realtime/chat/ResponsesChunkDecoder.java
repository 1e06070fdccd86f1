package io.noa.realtime.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAI Responses stream decoder. {@code response.created} gives id, model and creation time;
 * {@code response.output_text.delta} is content, {@code response.refusal.delta} refusal,
 * {@code response.reasoning_summary_text.delta} and {@code response.reasoning_text.delta}
 * reasoning, {@code response.output_text.annotation.added} an annotation; {@code function_call}
 * output items become tool calls numbered 0, 1, … in output order (id = {@code call_id}), their
 * {@code response.function_call_arguments.delta} the arguments text. A {@code .done} event fills
 * in a text or arguments that no delta carried. The terminal {@code response.completed} gives
 * the finish reason {@code "completed"} and the usage ({@code input_tokens},
 * {@code output_tokens}, {@code total_tokens}; the rest in {@link Usage#details()}),
 * {@code response.incomplete} the reason of {@code incomplete_details} (e.g.
 * {@code max_output_tokens}), {@code response.failed} an error (unless an {@code error} event
 * came first) and usage; {@code error} events, flat or nested, an error chunk. Unknown events give
 * nothing. One instance per stream; not thread-safe. Not API.
 */
final class ResponsesChunkDecoder extends DialectDecoder {
    /** Function call item id to its call number. */
    private final Map<String, Integer> calls = new HashMap<>();
    /** Items (texts, refusals, calls) for which deltas arrived: their {@code .done} adds nothing. */
    private final Set<String> streamed = new HashSet<>();
    private boolean sawError;

    @Override
    List<StreamChunk> decodeEvent(String type, JsonNode root) {
        switch (type) {
            case "response.created":
            case "response.in_progress":
            case "response.queued":
                return List.of(meta(root.path("response"), "response.created".equals(type)));
            case "response.output_item.added":
                return itemAdded(root.path("item"));
            case "response.output_item.done":
                return itemDone(root.path("item"));
            case "response.output_text.delta":
                return text(root, Delta.builder().content(text(root.get("delta"))));
            case "response.output_text.done":
                return done(root, "text", Delta.builder().content(text(root.get("text"))));
            case "response.refusal.delta":
                return text(root, Delta.builder().refusal(text(root.get("delta"))));
            case "response.refusal.done":
                return done(root, "refusal", Delta.builder().refusal(text(root.get("refusal"))));
            case "response.reasoning_summary_text.delta":
            case "response.reasoning_text.delta":
                return text(root, Delta.builder().reasoning(text(root.get("delta"))));
            case "response.output_text.annotation.added":
                JsonNode a = root.get("annotation");
                return a == null || a.isNull() ? List.of() : List.of(deltaChunk(Delta.builder().addAnnotation(a).build()));
            case "response.function_call_arguments.delta":
                return arguments(root, text(root.get("delta")), false);
            case "response.function_call_arguments.done":
                return arguments(root, text(root.get("arguments")), true);
            case "response.completed":
                return List.of(terminal(root.path("response"), "completed"));
            case "response.incomplete": {
                JsonNode r = root.path("response");
                String reason = text(r.path("incomplete_details").get("reason"));
                return List.of(terminal(r, reason != null ? reason : "incomplete"));
            }
            case "response.failed":
                return List.of(failed(root.path("response")));
            case "error":
                sawError = true;
                JsonNode nested = root.get("error");
                return List.of(StreamChunk.ofError(error(nested != null && nested.isObject() ? nested : root, null)));
            default:
                // a whole response (the server ignored "stream"): its output items, then its end
                return "response".equals(text(root.get("object"))) ? whole(root) : List.of();
        }
    }

    private List<StreamChunk> whole(JsonNode response) {
        List<StreamChunk> out = new java.util.ArrayList<>();
        out.add(meta(response, true));
        for (JsonNode item : response.path("output")) {
            out.addAll(itemDone(item));
        }
        String status = text(response.get("status"));
        if ("failed".equals(status)) {
            out.add(failed(response));
        } else {
            String reason = text(response.path("incomplete_details").get("reason"));
            out.add(terminal(response, "incomplete".equals(status) && reason != null ? reason
                    : status != null ? status : "completed"));
        }
        return out;
    }

    private StreamChunk meta(JsonNode response, boolean first) {
        StreamChunk.Builder b = StreamChunk.builder().id(text(response.get("id"))).model(text(response.get("model")))
                .object(text(response.get("object"))).serviceTier(text(response.get("service_tier")));
        long created = number(response.get("created_at"));
        if (created > 0) {
            b.created(created);
        }
        if (first) {
            b.addChoice(Choice.builder().index(0).delta(Delta.builder().role("assistant").build()).build());
        }
        return b.build();
    }

    private List<StreamChunk> text(JsonNode root, Delta.Builder d) {
        String item = text(root.get("item_id"));
        if (item != null) {
            streamed.add(item);
        }
        Delta delta = d.build();
        return delta.isEmpty() ? List.of() : List.of(deltaChunk(delta));
    }

    /** A {@code .done} with the whole text: used only when no delta of that item arrived. */
    private List<StreamChunk> done(JsonNode root, String kind, Delta.Builder d) {
        String item = text(root.get("item_id"));
        if (item == null || streamed.contains(item)) {
            return List.of();
        }
        streamed.add(item);
        Delta delta = d.build();
        return delta.isEmpty() ? List.of() : List.of(deltaChunk(delta));
    }

    private int callNumber(String itemId) {
        Integer n = calls.get(itemId);
        if (n == null) {
            n = calls.size();
            calls.put(itemId, n);
        }
        return n;
    }

    private List<StreamChunk> itemAdded(JsonNode item) {
        if (!"function_call".equals(text(item.get("type")))) {
            return List.of();
        }
        String id = text(item.get("id"));
        ToolCall.Builder call = ToolCall.builder().index(callNumber(id != null ? id : "call#" + calls.size()))
                .id(text(item.get("call_id"))).type("function").name(text(item.get("name")));
        String args = text(item.get("arguments"));
        if (args != null && !args.isEmpty()) {
            call.arguments(args);
            if (id != null) {
                streamed.add(id);
            }
        }
        return List.of(deltaChunk(Delta.builder().addToolCall(call.build()).build()));
    }

    /** A finished item: a call or text that no earlier event announced is taken whole from here. */
    private List<StreamChunk> itemDone(JsonNode item) {
        String type = text(item.get("type"));
        String id = text(item.get("id"));
        if (id == null || streamed.contains(id)) {
            return List.of();
        }
        if ("function_call".equals(type)) {
            boolean known = calls.containsKey(id);
            streamed.add(id);
            ToolCall.Builder call = ToolCall.builder().index(callNumber(id)).arguments(text(item.get("arguments")));
            if (!known) {
                call.id(text(item.get("call_id"))).type("function").name(text(item.get("name")));
            }
            return List.of(deltaChunk(Delta.builder().addToolCall(call.build()).build()));
        }
        if ("message".equals(type)) {
            streamed.add(id);
            StringBuilder content = new StringBuilder();
            StringBuilder refusal = new StringBuilder();
            for (JsonNode part : item.path("content")) {
                if ("output_text".equals(text(part.get("type")))) {
                    content.append(part.path("text").asText(""));
                } else if ("refusal".equals(text(part.get("type")))) {
                    refusal.append(part.path("refusal").asText(""));
                }
            }
            Delta.Builder d = Delta.builder();
            if (content.length() > 0) {
                d.content(content.toString());
            }
            if (refusal.length() > 0) {
                d.refusal(refusal.toString());
            }
            Delta delta = d.build();
            return delta.isEmpty() ? List.of() : List.of(deltaChunk(delta));
        }
        return List.of();
    }

    private List<StreamChunk> arguments(JsonNode root, String text, boolean whole) {
        String item = text(root.get("item_id"));
        if (item == null || text == null || text.isEmpty()) {
            return List.of();
        }
        if (whole && streamed.contains(item)) {
            return List.of();
        }
        streamed.add(item);
        ToolCall call = ToolCall.builder().index(callNumber(item)).arguments(text).build();
        return List.of(deltaChunk(Delta.builder().addToolCall(call).build()));
    }

    private StreamChunk terminal(JsonNode response, String finish) {
        StreamChunk.Builder b = StreamChunk.builder().id(text(response.get("id"))).model(text(response.get("model")));
        b.addChoice(Choice.builder().index(0).finishReason(finish).build());
        b.usage(usage(response.get("usage")));
        return b.build();
    }

    private StreamChunk failed(JsonNode response) {
        StreamChunk.Builder b = StreamChunk.builder().id(text(response.get("id"))).model(text(response.get("model")));
        b.usage(usage(response.get("usage")));
        JsonNode e = response.get("error");
        if (!sawError) {
            b.error(e != null && e.isObject() ? error(e, null)
                    : io.noa.realtime.ErrorDetail.of("The response failed (response.failed)", null, null, null));
        }
        sawError = true;
        return b.build();
    }

    private static Usage usage(JsonNode u) {
        if (u == null || !u.isObject() || u.isEmpty()) {
            return null;
        }
        Map<String, JsonNode> all = new java.util.LinkedHashMap<>();
        mergeFields(all, u);
        return Usage.of(number(u.get("input_tokens")), number(u.get("output_tokens")), number(u.get("total_tokens")),
                details(all, "input_tokens", "output_tokens", "total_tokens"));
    }
}
