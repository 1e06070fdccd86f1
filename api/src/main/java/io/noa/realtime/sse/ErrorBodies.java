package io.noa.realtime.sse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noa.realtime.ErrorDetail;
import java.io.IOException;
import java.util.Optional;

/**
 * Recognises the error bodies real servers send: OpenAI/Azure/vLLM
 * {@code {"error":{message,type,param,code}}}, Anthropic {@code {"type":"error","error":{type,message}}},
 * OpenRouter {@code {"error":{code:<int>,message,metadata}}}, flat {@code {"object":"error",message,type,code}}
 * (old vLLM), {@code {"error":"text"}} and FastAPI {@code {"detail":"text"}}.
 */
final class ErrorBodies {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ErrorBodies() {}

    /**
     * Parses an error body.
     *
     * @param body the body text
     * @return the error, or empty if the body is not JSON of a known shape
     */
    public static Optional<ErrorDetail> parse(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            return fromTree(MAPPER.readTree(body));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Recognises an error object in an already parsed tree.
     *
     * @param root the JSON value
     * @return the error, or empty if none of the known shapes matches
     */
    public static Optional<ErrorDetail> fromTree(JsonNode root) {
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        JsonNode err = root.get("error");
        if (err != null && err.isObject()) {
            return Optional.of(detail(err, err.path("message"), err.path("type")));
        }
        if (err != null && err.isTextual()) {
            return Optional.of(ErrorDetail.of(err.asText(), text(root.path("type")), text(root.path("code")), null));
        }
        if ("error".equals(text(root.path("object"))) || "error".equals(text(root.path("type")))) {
            JsonNode type = "error".equals(text(root.path("type"))) ? root.path("error_type") : root.path("type");
            return Optional.of(detail(root, root.path("message"), type));
        }
        JsonNode detail = root.get("detail");
        if (detail != null && detail.isTextual()) {
            return Optional.of(ErrorDetail.of(detail.asText(), null, null, null));
        }
        return Optional.empty();
    }

    private static ErrorDetail detail(JsonNode obj, JsonNode message, JsonNode type) {
        return ErrorDetail.of(text(message), text(type), text(obj.path("code")), text(obj.path("param")));
    }

    private static String text(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }
}
