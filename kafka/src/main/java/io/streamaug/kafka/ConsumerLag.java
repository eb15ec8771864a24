package io.streamaug.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group (e.g. the augment workers' application id) is behind the end of its
 * input topics, asked of the brokers: per partition, the last stable offset (what a read-committed
 * reader can see) less the group's committed offset, or less the log start where it has committed
 * nothing. Consumers' own {@code records-lag} metrics are no substitute: they cover only the
 * partitions one client fetched, lag behind its last fetch, and Kafka registers each twice for a
 * topic whose name has a dot (once with the dots as underscores), so summing them doubles the lag.
 */
public final class ConsumerLag {
    private ConsumerLag() {
    }

    /** Records of {@code topic} not yet committed by {@code groupId} (the whole topic if it has committed nothing). */
    public static long of(Admin admin, String groupId, String topic) throws InterruptedException, ExecutionException {
        return of(admin, groupId, List.of(topic));
    }

    /** Records of {@code topics} together not yet committed by {@code groupId}. */
    public static long of(Admin admin, String groupId, Collection<String> topics)
            throws InterruptedException, ExecutionException {
        List<TopicPartition> partitions = admin.describeTopics(topics).allTopicNames().get().values().stream()
                .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition()))).toList();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = offsets(admin, partitions, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = offsets(admin, partitions, OffsetSpec.earliest());
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get();
        long lag = 0;
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata done = committed.get(tp);
            long from = Math.max(starts.get(tp).offset(), done == null ? 0 : done.offset());
            lag += Math.max(0, ends.get(tp).offset() - from);
        }
        return lag;
    }

    private static Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(Admin admin,
            List<TopicPartition> partitions, OffsetSpec spec) throws InterruptedException, ExecutionException {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> spec)),
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
    }
}
