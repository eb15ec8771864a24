package io.streamaug.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.core.Split;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The wire codes of every enum that reaches a prepared record, pinned: records already on a topic
 * must mean the same after any change to the code. A failure here means a wire-format change, which
 * needs a new wire version (docs/wire-format.md), not a new expected value.
 */
class WireCodesTest {

    @Test
    void splitCodesArePinned() {
        Map<Split, Integer> codes = new LinkedHashMap<>();
        Arrays.stream(Split.values()).forEach(s -> codes.put(s, s.code()));
        assertThat(codes).containsExactlyInAnyOrderEntriesOf(Map.of(Split.TRAIN, 0, Split.VAL, 1, Split.TEST, 2))
                .hasSize(3);
        for (Split split : Split.values()) {
            assertThat(Split.fromCode(split.code())).isEqualTo(split);
        }
        assertThatThrownBy(() -> Split.fromCode(3)).hasMessage("unknown split code 3 (0 train, 1 val, 2 test)");
    }

    @Test
    void dtypeCodesArePinned() {
        Map<Dtype, Integer> codes = new LinkedHashMap<>();
        Arrays.stream(Dtype.values()).forEach(d -> codes.put(d, d.code()));
        assertThat(codes).containsExactlyInAnyOrderEntriesOf(Map.of(Dtype.UINT8, 1, Dtype.FLOAT16, 2, Dtype.FLOAT32, 3));
        for (Dtype dtype : Dtype.values()) {
            assertThat(Dtype.fromCode(dtype.code())).isEqualTo(dtype);
        }
    }

    @Test
    void payloadAndLabelKindCodesArePinned() {
        assertThat(new int[] {PreparedCodec.KIND_TENSOR, PreparedCodec.KIND_TEXT}).containsExactly(1, 2);
        assertThat(new int[] {PreparedCodec.LABEL_NONE, PreparedCodec.LABEL_INDEX, PreparedCodec.LABEL_SOFT})
                .containsExactly(0, 1, 2);
    }

    @Test
    void theSplitByteOfAnEncodedRecordIsItsCode() {
        for (Split split : Split.values()) {
            PreparedSample sample = new PreparedSample("id", "ds", split, 0, 0, 0, new Text("x"), Label.none(),
                    java.util.List.of());
            byte[] bytes = PreparedCodec.encode(sample);
            // magic (4), version (1), kind (1), then the split byte
            assertThat(bytes[6] & 0xff).as(split.name()).isEqualTo(split.code());
            assertThat(PreparedCodec.decode(bytes).split()).isEqualTo(split);
        }
    }
}
