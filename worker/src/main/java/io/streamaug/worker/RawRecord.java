package io.streamaug.worker;

import io.streamaug.kafka.PreparedSerde;
import io.streamaug.core.DatasetInfo;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.core.Split;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A raw record's contract checked before any decoding: a key (the sample id), a defined dataset
 * of the right kind, a label in its class list, a split, an epoch. Each violation is an exception
 * whose message says what is wrong, and sends the record to the dead-letter topic.
 */
public record RawRecord(String id, DatasetInfo dataset, Split split, int epoch, int label) {
    static RawRecord parse(Record<String, byte[]> record, DatasetDirectory datasets, boolean text) {
        return parse(record.key(), record.headers(), datasets, text);
    }

    /**
     * The contract of a raw record given by its key and headers: for readers of the raw topics
     * outside the topology (the stats job), so they refuse exactly what the worker refuses.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static RawRecord parse(String key, Headers headers, DatasetDirectory datasets, boolean text) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("record has no key: the key must be the sample id");
        }
        String name = RawHeaders.strict(headers, RawHeaders.DATASET);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("record has no 'dataset' header");
        }
        DatasetInfo dataset = datasets.find(name);
        if (dataset == null) {
            throw new IllegalArgumentException("dataset '" + name + "' is not defined; define it with"
                    + " './streamaug dataset --name " + name + " --classes A,B,… --channels " + (text ? "0" : "1|3")
                    + "' (produce does this for you)");
        }
        if (text != (dataset.channels() == 0)) {
            throw new IllegalArgumentException("dataset '" + name + "' is " + (dataset.channels() == 0 ? "text" : "images")
                    + ", but this record came through the " + (text ? "text" : "images") + " topic");
        }
        Split split = Split.parse(RawHeaders.strict(headers, RawHeaders.SPLIT));
        int label = dataset.classIndex(RawHeaders.strict(headers, RawHeaders.LABEL));
        String epochHeader = RawHeaders.strict(headers, RawHeaders.EPOCH);
        int epoch = 0;
        if (epochHeader != null && !epochHeader.isBlank()) {
            try {
                epoch = Integer.parseInt(epochHeader.trim());
            } catch (NumberFormatException e) {
                epoch = -1;
            }
            if (epoch < 0) {
                throw new IllegalArgumentException("header 'epoch' is '" + epochHeader + "', not a non-negative integer");
            }
        }
        return new RawRecord(key, dataset, split, epoch, label);
    }

    /**
     * The output record for a prepared value: the raw record's key and timestamp, and one header,
     * {@code streamaug.spec}, naming the spec that made it ({@code NAME@sha256:HEX}): a trainer keeps
     * it in its checkpoints' provenance. The raw headers that Kafka Streams would otherwise copy onto
     * every output record cost encoding in the worker, validation in the broker and parsing in each
     * trainer, for nothing; everything else a trainer needs is in the value.
     */
    static <V> Record<String, V> output(Record<String, byte[]> raw, V value, byte[] spec) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PreparedSerde.SPEC_HEADER, spec);
        return raw.withValue(value).withHeaders(headers);
    }
}
