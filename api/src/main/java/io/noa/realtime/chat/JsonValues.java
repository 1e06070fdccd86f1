package io.noa.realtime.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Lenient readers for the current value of a streaming {@link JsonParser}: a wrong type is never an
 * exception, it reads as "absent" and the value is skipped. Not API.
 */
final class JsonValues {
    private JsonValues() {}

    /** A scalar as text (numbers and booleans as their JSON text); {@code null} for null, objects and arrays. */
    static String text(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return null;
        }
        switch (t) {
            case VALUE_STRING:
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
            case VALUE_TRUE:
            case VALUE_FALSE:
                return p.getText();
            default:
                p.skipChildren();
                return null;
        }
    }

    /** Like {@link #text} but objects and arrays become their compact JSON text. */
    static String textOrJson(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            return tree(p).toString();
        }
        return text(p);
    }

    /** A whole number from a number or a numeric string; {@code -1} when absent, negative or unusable. */
    static long number(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                return -1;
            }
            long v = p.getLongValue();
            return v < 0 ? -1 : v;
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            return whole(p.getDoubleValue());
        }
        String s = text(p);
        if (s == null) {
            return -1;
        }
        try {
            long v = Long.parseLong(s.trim());
            return v < 0 ? -1 : v;
        } catch (NumberFormatException e) {
            try {
                return whole(Double.parseDouble(s.trim()));
            } catch (NumberFormatException e2) {
                return -1;
            }
        }
    }

    private static long whole(double d) {
        return d >= 0 && d < 9.2e18 ? (long) d : -1;
    }

    /** An index: a non-negative int, or {@code -1}. */
    static int index(JsonParser p) throws IOException {
        long v = number(p);
        return v < 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    /** The current value as a tree. */
    static JsonNode tree(JsonParser p) throws IOException {
        JsonNode n = ChatJson.MAPPER.readTree(p);
        return n == null ? ChatJson.MAPPER.nullNode() : n;
    }

    /** Whether {@code text} is exactly one complete JSON object (white space around it allowed). */
    static boolean isCompleteObject(String text) {
        String t = text.strip();
        if (t.isEmpty() || t.charAt(0) != '{') {
            return false;
        }
        try (JsonParser p = ChatJson.MAPPER.getFactory().createParser(t)) {
            p.nextToken();
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the current token is an explicit JSON {@code null}. */
    static boolean isNull(JsonParser p) {
        return p.currentToken() == JsonToken.VALUE_NULL;
    }
}
