package io.streamaug.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A bounded shuffle buffer: once full, each new item evicts a uniformly drawn one. It breaks up
 * ordered input (e.g. class-sorted folders) within its capacity.
 */
final class ShuffleBuffer<T> {
    private final int capacity;
    private final List<T> items;
    private final SplittableRandom random;

    ShuffleBuffer(int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("shuffle buffer size must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayList<>(capacity);
        this.random = new SplittableRandom(seed);
    }

    /** Adds an item; returns the evicted one once the buffer is full, else {@code null}. */
    T offer(T item) {
        if (items.size() < capacity) {
            items.add(item);
            return null;
        }
        int i = random.nextInt(capacity);
        T out = items.get(i);
        items.set(i, item);
        return out;
    }

    /** Removes a random remaining item, or {@code null} when empty (used to drain at the end). */
    T poll() {
        if (items.isEmpty()) {
            return null;
        }
        int i = random.nextInt(items.size());
        T out = items.get(i);
        items.set(i, items.get(items.size() - 1));
        items.remove(items.size() - 1);
        return out;
    }

    int size() {
        return items.size();
    }
}
