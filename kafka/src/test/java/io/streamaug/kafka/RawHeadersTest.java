package io.streamaug.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The raw contract's reading of a header: UTF-8, and one meaning however often it is given. */
class RawHeadersTest {

    @Test
    void aHeaderThatIsNotUtf8IsRefusedByName() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(RawHeaders.LABEL, new byte[] {(byte) 0xFF, (byte) 0xFE});
        assertThatThrownBy(() -> RawHeaders.strict(headers, RawHeaders.LABEL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header 'label' is not valid UTF-8");
        assertThat(RawHeaders.get(headers, RawHeaders.LABEL)).as("the lenient reader still reads it").isNotNull();
    }

    @Test
    void aHeaderGivenTwiceMustSayTheSameBothTimes() {
        RecordHeaders same = new RecordHeaders();
        same.add(RawHeaders.SPLIT, "val".getBytes(StandardCharsets.UTF_8));
        same.add(RawHeaders.SPLIT, "val".getBytes(StandardCharsets.UTF_8));
        assertThat(RawHeaders.strict(same, RawHeaders.SPLIT)).isEqualTo("val");

        RecordHeaders different = new RecordHeaders();
        different.add(RawHeaders.LABEL, "0".getBytes(StandardCharsets.UTF_8));
        different.add(RawHeaders.LABEL, "2".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> RawHeaders.strict(different, RawHeaders.LABEL))
                .hasMessageContaining("header 'label' appears 2 times with different values");
    }

    @Test
    void anAbsentHeaderIsNull() {
        assertThat(RawHeaders.strict(new RecordHeaders(), RawHeaders.EPOCH)).isNull();
    }
}
