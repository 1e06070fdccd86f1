package io.noa.realtime.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Socket.IO binary attachments in JSON trees. The codec turns {@code byte[]} and
 * {@code ByteBuffer} values into {@link BinaryNode}s; on the wire each one becomes a placeholder
 * {@code {"_placeholder":true,"num":n}} in the JSON and its bytes the n-th binary frame after the
 * packet's text frame. Decoding puts {@link BinaryNode}s back where the placeholders were.
 */
final class SocketIoBinary {
    /** Nesting depth we walk at most; Jackson's own parser refuses deeper documents (1000) anyway. */
    private static final int MAX_DEPTH = 1000;

    private SocketIoBinary() {}

    /** A tree with placeholders instead of binary nodes, and the bytes they stand for, in order. */
    record Deconstructed(JsonNode json, List<ByteBuffer> attachments) {}

    /** Whether {@code node} holds a binary node anywhere. */
    static boolean hasBinary(JsonNode node) {
        return hasBinary(node, 0);
    }

    private static boolean hasBinary(JsonNode node, int depth) {
        if (node == null || depth > MAX_DEPTH) {
            return false;
        }
        if (node.isBinary()) {
            return true;
        }
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (hasBinary(child, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Replaces every binary node of {@code node} by a placeholder, in document order (the order of
     * socket.io-parser's {@code deconstructPacket}). The input is not changed; containers without
     * binary are shared, not copied. Call it only when {@link #hasBinary} said yes.
     */
    static Deconstructed deconstruct(JsonNode node) {
        List<ByteBuffer> attachments = new ArrayList<>();
        JsonNode json = replaceBinary(node, attachments, 0);
        return new Deconstructed(json, attachments);
    }

    private static JsonNode replaceBinary(JsonNode node, List<ByteBuffer> out, int depth) {
        if (node.isBinary()) {
            ObjectNode placeholder = JsonNodeFactory.instance.objectNode();
            placeholder.put("_placeholder", true);
            placeholder.put("num", out.size());
            out.add(ByteBuffer.wrap(((BinaryNode) node).binaryValue()));
            return placeholder;
        }
        if (!node.isContainerNode() || depth > MAX_DEPTH) {
            return node;
        }
        if (node.isArray()) {
            ArrayNode copy = null; // made when the first child changes
            for (int i = 0; i < node.size(); i++) {
                JsonNode child = node.get(i);
                JsonNode replaced = replaceBinary(child, out, depth + 1);
                if (copy == null && replaced != child) {
                    copy = JsonNodeFactory.instance.arrayNode(node.size());
                    for (int k = 0; k < i; k++) {
                        copy.add(node.get(k));
                    }
                }
                if (copy != null) {
                    copy.add(replaced);
                }
            }
            return copy != null ? copy : node;
        }
        ObjectNode copy = null;
        List<Map.Entry<String, JsonNode>> before = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode replaced = replaceBinary(e.getValue(), out, depth + 1);
            if (copy == null && replaced != e.getValue()) {
                copy = JsonNodeFactory.instance.objectNode();
                for (Map.Entry<String, JsonNode> b : before) {
                    copy.set(b.getKey(), b.getValue());
                }
            }
            if (copy != null) {
                copy.set(e.getKey(), replaced);
            } else {
                before.add(e);
            }
        }
        return copy != null ? copy : node;
    }

    /** A placeholder whose {@code num} does not name one of the attachments that arrived. */
    static final class IllegalPlaceholderException extends Exception {
        private static final long serialVersionUID = 1L;

        IllegalPlaceholderException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Puts the attachments back where their placeholders are (socket.io-parser's
     * {@code reconstructPacket}), changing {@code node} in place.
     *
     * @return the node, or the attachment when {@code node} itself is a placeholder
     */
    static JsonNode reconstruct(JsonNode node, List<byte[]> attachments) throws IllegalPlaceholderException {
        return reconstruct(node, attachments, 0);
    }

    private static JsonNode reconstruct(JsonNode node, List<byte[]> attachments, int depth)
            throws IllegalPlaceholderException {
        if (depth > MAX_DEPTH) {
            return node;
        }
        if (isPlaceholder(node)) {
            JsonNode num = node.get("num");
            if (num == null || !num.isIntegralNumber() || num.asLong() < 0 || num.asLong() >= attachments.size()) {
                throw new IllegalPlaceholderException("placeholder " + node + " names no attachment (" + attachments.size()
                        + " arrived)");
            }
            return BinaryNode.valueOf(attachments.get(num.asInt()));
        }
        if (node.isArray()) {
            ArrayNode a = (ArrayNode) node;
            for (int i = 0; i < a.size(); i++) {
                JsonNode child = a.get(i);
                JsonNode replaced = reconstruct(child, attachments, depth + 1);
                if (replaced != child) {
                    a.set(i, replaced);
                }
            }
        } else if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode child = o.get(name);
                JsonNode replaced = reconstruct(child, attachments, depth + 1);
                if (replaced != child) {
                    o.set(name, replaced);
                }
            }
        }
        return node;
    }

    private static boolean isPlaceholder(JsonNode node) {
        if (!node.isObject()) {
            return false;
        }
        JsonNode flag = node.get("_placeholder");
        return flag != null && flag.isBoolean() && flag.booleanValue();
    }
}
