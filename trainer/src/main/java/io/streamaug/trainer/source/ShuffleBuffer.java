package io.streamaug.trainer.source;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.RestorableUniformRandomProvider;
import org.apache.commons.rng.core.RandomProviderDefaultState;
import org.apache.commons.rng.simple.RandomSource;

/**
 * A bounded shuffle buffer: once full, each new item evicts a uniformly drawn one. It breaks up
 * ordered input (e.g. class-sorted folders) within its capacity. Its generator's state can be
 * saved and restored, so a resumed trainer draws exactly what an uninterrupted one would.
 */
public final class ShuffleBuffer<T> {
    private final int capacity;
    private final List<T> items;
    private final RestorableUniformRandomProvider random;

    public ShuffleBuffer(int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("shuffle buffer size must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayList<>(capacity);
        this.random = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    }

    /** Adds an item; returns the evicted one once the buffer is full, else {@code null}. */
    public T offer(T item) {
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
    public T poll() {
        if (items.isEmpty()) {
            return null;
        }
        int i = random.nextInt(items.size());
        T out = items.get(i);
        items.set(i, items.get(items.size() - 1));
        items.remove(items.size() - 1);
        return out;
    }

    public int size() {
        return items.size();
    }

    /** The items held, in slot order (for a checkpoint). */
    public List<T> contents() {
        return List.copyOf(items);
    }

    public byte[] randomState() {
        return ((RandomProviderDefaultState) random.saveState()).getState();
    }

    /**
     * Puts back what {@link #contents()} and {@link #randomState()} saved. It may hold a few more
     * than the capacity (a minibatch that was filling when the trainer stopped); they wait until the
     * buffer drains.
     */
    public void restore(List<T> contents, byte[] randomState) {
        items.clear();
        items.addAll(contents);
        random.restoreState(new RandomProviderDefaultState(randomState));
    }
}
