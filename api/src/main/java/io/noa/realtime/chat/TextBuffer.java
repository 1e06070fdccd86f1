package io.noa.realtime.chat;

import java.util.Arrays;

/**
 * An append-only text whose prefixes can be frozen in O(1): a frozen view keeps a reference to the
 * current array and its length; later appends write only beyond that length (or into a new, larger
 * array), so a view never changes. The string of a view is built on first use and memoised. Appending
 * is amortised O(1), as with a {@link StringBuilder}. Not thread-safe; views are immutable and safe to
 * publish. Not API.
 */
final class TextBuffer {
    private char[] chars = new char[0];
    private int length;
    private Frozen frozen = Frozen.EMPTY;

    int length() {
        return length;
    }

    void append(String s) {
        int n = s.length();
        if (n == 0) {
            return;
        }
        if (length + n > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(length + n, Math.max(64, chars.length * 2)));
        }
        s.getChars(0, n, chars, length);
        length += n;
    }

    /** Appends {@code n} characters of {@code from} starting at {@code offset}. */
    void append(char[] from, int offset, int n) {
        if (n == 0) {
            return;
        }
        if (length + n > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(length + n, Math.max(64, chars.length * 2)));
        }
        System.arraycopy(from, offset, chars, length, n);
        length += n;
    }

    /** An immutable view of the text so far; the same object while nothing was appended. */
    CharSequence freeze() {
        if (frozen.length() != length) {
            frozen = new Frozen(chars, length);
        }
        return frozen;
    }

    /** The text so far as a string (memoised on the frozen view). */
    String text() {
        return freeze().toString();
    }

    /** An immutable prefix of a char array; its string is built once, on demand. */
    static final class Frozen implements CharSequence {
        static final Frozen EMPTY = new Frozen(new char[0], 0);

        private final char[] chars;
        private final int length;
        private volatile String string;

        Frozen(char[] chars, int length) {
            this.chars = chars;
            this.length = length;
            this.string = length == 0 ? "" : null;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= length) {
                throw new IndexOutOfBoundsException(index);
            }
            return chars[index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return toString().subSequence(start, end);
        }

        @Override
        public String toString() {
            String s = string;
            if (s == null) {
                s = new String(chars, 0, length);
                string = s;
            }
            return s;
        }
    }
}
