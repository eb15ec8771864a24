package io.streamaug.worker;

import io.streamaug.kafka.DatasetCatalog;
import io.streamaug.core.DatasetInfo;
import io.streamaug.kafka.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/** Where a worker looks up a dataset's definition by name. */
@FunctionalInterface
public interface DatasetDirectory {
    /** The definition, or {@code null} when the dataset is not defined. */
    DatasetInfo find(String name);

    /**
     * Definitions read from the datasets topic, cached; a name not in the cache makes the
     * directory read the topic again (to its end) before answering, at most once per second per
     * name. Producers write a definition, and wait for it to be stored, before the first record
     * that needs it, so a record never arrives before its dataset — which a global store, filled by
     * its own thread at its own pace, could not promise.
     */
    static DatasetDirectory fromKafka(Properties clientProperties, Topics topics) {
        Map<String, DatasetInfo> cache = new ConcurrentHashMap<>();
        Map<String, Long> lastMiss = new ConcurrentHashMap<>();
        return new DatasetDirectory() {
            @Override
            public DatasetInfo find(String name) {
                DatasetInfo info = cache.get(name);
                if (info != null) {
                    return info;
                }
                long now = System.nanoTime();
                Long previous = lastMiss.get(name);
                if (previous != null && now - previous < 1_000_000_000L) {
                    return null;
                }
                lastMiss.put(name, now);
                synchronized (cache) {
                    if (cache.containsKey(name)) {
                        return cache.get(name); // read meanwhile, by a preload or another task
                    }
                    try {
                        preload();
                    } catch (RuntimeException e) {
                        lastMiss.remove(name); // not a miss: the next record asks again
                        throw e;
                    }
                }
                return cache.get(name);
            }

            @Override
            public void preload() {
                synchronized (cache) {
                    try {
                        cache.putAll(DatasetCatalog.read(clientProperties, topics, Duration.ofSeconds(10)));
                    } catch (RuntimeException e) {
                        throw new IllegalStateException("could not read the dataset definitions on " + topics.datasets()
                                + ": " + e.getMessage(), e);
                    }
                }
            }
        };
    }

    /**
     * Reads the definitions now, so that the first records find theirs cached (a worker does it
     * while it joins its group); does nothing for a directory that reads nothing.
     *
     * @throws IllegalStateException when they cannot be read
     */
    default void preload() {
    }
}
