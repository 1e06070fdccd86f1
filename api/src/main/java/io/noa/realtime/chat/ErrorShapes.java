package io.noa.realtime.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ErrorDetail;
import java.io.IOException;

/**
 * The shapes of errors inside chat streams: nested {@code {"error":{message,type,param,code}}}
 * (OpenAI, vLLM, OpenRouter, also beside choices), {@code {"error":"text"}}, flat
 * {@code {"object":"error",message,type,code}} (old vLLM), flat {@code {"type":"error",code,message}}
 * (Responses) and any body of an {@code event: error}. Not API.
 */
final class ErrorShapes {
    private ErrorShapes() {}

    /** Reads the value of a top-level {@code error} field; {@code null} when it is null. */
    static ErrorDetail nested(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            String s = JsonValues.textOrJson(p);
            return s == null || s.isBlank() || "false".equals(s) ? null : ErrorDetail.of(s, null, null, null);
        }
        String message = null;
        String type = null;
        String code = null;
        String param = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "message":
                    message = JsonValues.textOrJson(p);
                    break;
                case "type":
                    type = JsonValues.text(p);
                    break;
                case "code":
                    code = JsonValues.text(p);
                    break;
                case "param":
                    param = JsonValues.textOrJson(p);
                    break;
                default:
                    p.skipChildren();
            }
        }
        return ErrorDetail.of(message, type, code, param);
    }

    /**
     * After a chunk object was read: recognises the flat shapes (their fields were kept as extras) and
     * moves them into the error. In an {@code event: error} every body is an error.
     */
    static void completeFlat(StreamChunk.Builder b, boolean errorEvent) {
        String type = text(b.extra("type"));
        boolean typeIsError = "error".equals(type);
        if (typeIsError) {
            b.removeExtra("type");
        }
        if (b.hasError()) {
            return;
        }
        boolean objectIsError = "error".equals(b.objectValue());
        if (!(objectIsError || typeIsError || errorEvent)) {
            return;
        }
        String message = text(b.extra("message"));
        if (message == null) {
            message = text(b.extra("detail"));
        }
        String errorType = typeIsError ? text(b.extra("error_type")) : type;
        b.error(ErrorDetail.of(message, errorType, text(b.extra("code")), text(b.extra("param"))));
        for (String f : new String[] {"message", "detail", "type", "error_type", "code", "param"}) {
            b.removeExtra(f);
        }
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }
}
