package io.streamaug.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;

import java.time.Duration;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class FailurePolicyTest {

    @Test
    void aTransactionLostInABrokerBounceReplacesTheThread() {
        FailurePolicy policy = new FailurePolicy(5, Duration.ofMinutes(5));
        var decision = policy.decide(new StreamsException(new InvalidTxnStateException("txn state")), 0);
        assertThat(decision.response()).isEqualTo(REPLACE_THREAD);
        assertThat(decision.reason()).contains("InvalidTxnStateException").contains("last committed offsets");
        assertThat(policy.decide(new StreamsException(new TimeoutException("t")), 1).response()).isEqualTo(REPLACE_THREAD);
    }

    @Test
    void errorsNoNewThreadCanMendStopTheWorkerAndSayWhy() {
        FailurePolicy policy = new FailurePolicy(5, Duration.ofMinutes(5));
        assertThat(policy.decide(new StreamsException(new SaslAuthenticationException("bad password")), 0))
                .satisfies(d -> assertThat(d.response()).isEqualTo(SHUTDOWN_CLIENT))
                .satisfies(d -> assertThat(d.reason()).contains("refused the credentials").contains("bad password"));
        assertThat(policy.decide(new StreamsException(new TopicAuthorizationException("raw.images")), 0).reason())
                .contains("ACLs");
        assertThat(policy.decide(new MissingSourceTopicException("raw.images"), 0).reason())
                .contains("./streamaug topics");
        assertThat(policy.decide(new StreamsException(new OutOfMemoryError("heap")), 0).response()).isEqualTo(SHUTDOWN_CLIENT);
    }

    @Test
    void aThreadThatKeepsFailingStopsTheWorkerInsteadOfSpinning() {
        FailurePolicy policy = new FailurePolicy(3, Duration.ofSeconds(60));
        long second = 1_000_000_000L;
        for (int i = 0; i < 3; i++) {
            assertThat(policy.decide(new TimeoutException("t"), i * second).response()).isEqualTo(REPLACE_THREAD);
        }
        assertThat(policy.decide(new TimeoutException("t"), 3 * second))
                .satisfies(d -> assertThat(d.response()).isEqualTo(SHUTDOWN_CLIENT))
                .satisfies(d -> assertThat(d.reason()).contains("failed 4 times within 60 s"));
        // Failures spread out over more than the window are each replaced.
        FailurePolicy spread = new FailurePolicy(3, Duration.ofSeconds(60));
        for (int i = 0; i < 10; i++) {
            assertThat(spread.decide(new TimeoutException("t"), i * 61 * second).response()).isEqualTo(REPLACE_THREAD);
        }
    }
}
