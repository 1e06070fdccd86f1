package io.noa.realtime;

import java.util.Objects;
import java.util.Optional;

/**
 * A structured error reported by a server, either as an HTTP error body or in the middle of a
 * stream. Covers the OpenAI/Azure/vLLM {@code {"error":{message,type,param,code}}}, Anthropic
 * {@code {"type":"error","error":{type,message}}}, OpenRouter {@code {"error":{code,message}}}
 * and flat {@code {"object":"error",...}} shapes. Immutable.
 */
public final class ErrorDetail {
    private final String message;
    private final String type;
    private final String code;
    private final String param;

    private ErrorDetail(String message, String type, String code, String param) {
        this.message = Objects.requireNonNull(message, "message");
        this.type = type;
        this.code = code;
        this.param = param;
    }

    /**
     * Creates an error detail.
     *
     * @param message the human-readable message (required)
     * @param type the error type, e.g. {@code server_error}, or {@code null}
     * @param code the error code, e.g. {@code insufficient_quota} or {@code "502"}, or {@code null}
     * @param param the offending parameter, or {@code null}
     * @return the detail
     */
    public static ErrorDetail of(String message, String type, String code, String param) {
        return new ErrorDetail(message == null || message.isEmpty() ? "unknown error" : message,
                emptyToNull(type), emptyToNull(code), emptyToNull(param));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * The message.
     *
     * @return the human-readable message, never empty
     */
    public String message() {
        return message;
    }

    /**
     * The error type.
     *
     * @return the type, if the server sent one
     */
    public Optional<String> type() {
        return Optional.ofNullable(type);
    }

    /**
     * The error code, as a string even when the server sent a number.
     *
     * @return the code, if the server sent one
     */
    public Optional<String> code() {
        return Optional.ofNullable(code);
    }

    /**
     * The offending request parameter.
     *
     * @return the parameter, if the server named one
     */
    public Optional<String> param() {
        return Optional.ofNullable(param);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ErrorDetail)) {
            return false;
        }
        ErrorDetail e = (ErrorDetail) o;
        return message.equals(e.message) && Objects.equals(type, e.type)
                && Objects.equals(code, e.code) && Objects.equals(param, e.param);
    }

    @Override
    public int hashCode() {
        return Objects.hash(message, type, code, param);
    }

    @Override
    public String toString() {
        return "ErrorDetail{message=" + message
                + (type != null ? ", type=" + type : "")
                + (code != null ? ", code=" + code : "")
                + (param != null ? ", param=" + param : "") + '}';
    }
}
