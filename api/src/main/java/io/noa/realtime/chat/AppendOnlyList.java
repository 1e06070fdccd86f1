package io.noa.realtime.chat;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * An append-only list whose prefixes can be frozen in O(1), like {@link TextBuffer}. Not thread-safe;
 * frozen views are immutable. Not API.
 */
final class AppendOnlyList<T> {
    private Object[] items = new Object[0];
    private int size;
    private List<T> frozen = List.of();

    int size() {
        return size;
    }

    void add(T item) {
        if (size == items.length) {
            items = Arrays.copyOf(items, Math.max(8, size * 2));
        }
        items[size++] = item;
    }

    /** An unmodifiable view of the elements so far; the same object while nothing was added. */
    List<T> freeze() {
        if (frozen.size() != size) {
            frozen = new View<>(items, size);
        }
        return frozen;
    }

    private static final class View<T> extends AbstractList<T> implements RandomAccess {
        private final Object[] items;
        private final int size;

        View(Object[] items, int size) {
            this.items = items;
            this.size = size;
        }

        @Override
        @SuppressWarnings("unchecked") // only Ts are ever added
        public T get(int index) {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException(index);
            }
            return (T) items[index];
        }

        @Override
        public int size() {
            return size;
        }
    }
}
