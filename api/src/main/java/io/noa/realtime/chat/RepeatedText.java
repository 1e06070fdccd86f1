package io.noa.realtime.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Remembers the last string value of a few chunk fields that repeat in every chunk of a stream
 * ({@code id}, {@code model}, {@code object}, ...), so that reading an equal value again returns the
 * remembered {@link String} instead of building a new one for every event. Not API.
 *
 * <p>Thread-safe: each slot holds an immutable string; decoders racing on a slot at worst replace
 * each other's value, and a value is only returned when its characters equal the parser's text.
 */
final class RepeatedText {
    static final int ID = 0;
    static final int MODEL = 1;
    static final int OBJECT = 2;
    static final int FINGERPRINT = 3;
    static final int SERVICE_TIER = 4;
    private static final int SLOTS = 5;
    /** Longer values are not worth comparing (and are unlikely to repeat). */
    private static final int MAX_LENGTH = 64;

    private final AtomicReferenceArray<String> last = new AtomicReferenceArray<>(SLOTS);

    /**
     * The current value as {@link JsonValues#text(JsonParser)} reads it, reusing the slot's last
     * string when the characters are the same.
     */
    String text(JsonParser p, int slot) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            return JsonValues.text(p);
        }
        int length = p.getTextLength();
        String known = last.getPlain(slot);
        if (known != null && known.length() == length && length <= MAX_LENGTH
                && same(known, p.getTextCharacters(), p.getTextOffset())) {
            return known;
        }
        String s = p.getText();
        if (length <= MAX_LENGTH) {
            last.setRelease(slot, s);
        }
        return s;
    }

    /** The same for a value already decoded into {@code chars[0, length)}. */
    String text(char[] chars, int length, int slot) {
        String known = last.getPlain(slot);
        if (known != null && known.length() == length && length <= MAX_LENGTH && same(known, chars, 0)) {
            return known;
        }
        String s = new String(chars, 0, length);
        if (length <= MAX_LENGTH) {
            last.setRelease(slot, s);
        }
        return s;
    }

    private static boolean same(String known, char[] chars, int offset) {
        for (int i = 0; i < known.length(); i++) {
            if (known.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
