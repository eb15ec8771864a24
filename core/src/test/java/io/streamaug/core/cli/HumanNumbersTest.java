package io.streamaug.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HumanNumbersTest {

    @Test
    void hyperparametersReadAsTheyAreWritten() {
        assertThat(HumanNumbers.format(1e-3)).isEqualTo("1e-3");
        assertThat(HumanNumbers.format(1e-4)).isEqualTo("1e-4");
        assertThat(HumanNumbers.format(5e-4)).isEqualTo("5e-4");
        assertThat(HumanNumbers.format(2.5e-5)).isEqualTo("2.5e-5");
        assertThat(HumanNumbers.format(0.1)).isEqualTo("0.1");
        assertThat(HumanNumbers.format(0.05)).isEqualTo("0.05");
        assertThat(HumanNumbers.format(0.9)).isEqualTo("0.9");
        assertThat(HumanNumbers.format(0)).isEqualTo("0");
        assertThat(HumanNumbers.format(3)).isEqualTo("3");
        assertThat(HumanNumbers.format(1234.5678)).isEqualTo("1235");
        assertThat(HumanNumbers.format(-0.003)).isEqualTo("-3e-3");
        assertThat(HumanNumbers.format(2e8)).isEqualTo("2e8");
    }
}
