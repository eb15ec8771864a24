package io.streamaug.deploy;

import java.util.ArrayList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.kafka.Topics;
import io.streamaug.core.cli.Commands;
import io.streamaug.kafka.KafkaOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import picocli.CommandLine;

/** {@code bench pipeline}: the worker JVMs' command line, and how their CPU time is attributed to threads. */
class PipelineBenchCommandTest {
    @Test
    void workerKafkaSettingsReachTheWorkersAugmentCommand() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("producer.linger.ms", "5");
        settings.put("commit.interval.ms", "300");
        List<String> command = PipelineBenchCommand.workerJvm(KafkaOptions.of("127.0.0.1:9092", Topics.DEFAULT), "bench-1-42",
                Path.of("state"), List.of("--spec", "photo-pipeline.yaml"), settings).command();
        List<String> args = command.subList(command.indexOf(StreamaugCli.class.getName()) + 1, command.size());
        // The worker JVM parses exactly these arguments with the real CLI.
        CommandLine.ParseResult parsed = Commands.configure(new CommandLine(new StreamaugCli())).parseArgs(args.toArray(String[]::new));
        CommandLine.ParseResult augment = parsed.subcommand();
        assertThat(augment.commandSpec().name()).isEqualTo("augment");
        Map<String, String> kafka = augment.matchedOptionValue("--kafka", Map.of());
        assertThat(kafka).containsExactlyEntriesOf(settings);
        assertThat(augment.matchedOptionValue("--application-id", "")).isEqualTo("bench-1-42");
        assertThat(augment.matchedOptionValue("--bootstrap", "")).isEqualTo("127.0.0.1:9092");
        assertThat(augment.matchedOptionValue("--spec", "")).isEqualTo("photo-pipeline.yaml");
    }

    @Test
    void resultsKeepTheJsonKeysAndOrderOfTheCommittedResults() throws Exception {
        var run = new PipelineBenchCommand.Run(100, 30, Map.of("stream", 20.0), 0.9, 1000);
        var results = new PipelineBenchCommand.Results(903400, new PipelineBenchCommand.Baseline(
                new PipelineBenchCommand.InProcess(47000, 20), new PipelineBenchCommand.InProcess(48000, 19)),
                new PipelineBenchCommand.InProcess(46000, 21), Map.of(), run, run, new PipelineBenchCommand.Latency(1000, 72, 137), null);
        Path committed = Path.of("..", "docs", "results", "bench-pipeline.json");
        List<String> keys = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(committed.toFile()).fieldNames().forEachRemaining(keys::add);
        // The committed results predate the environment, which the JSON now carries second, and the
        // broker's JVM and machine figures of each run.
        List<String> newer = List.of("environment", "broker_jvm_cpu_us_per_record_1_worker", "machine_cores_busy_1_worker",
                "broker_jvm_cpu_us_per_record_2_workers", "machine_cores_busy_2_workers", "machine_cores",
                "in_process_rps_before_kafka", "in_process_rps_after_kafka");
        assertThat(results.json().keySet()).filteredOn(key -> !newer.contains(key)).containsExactlyElementsOf(keys);
        assertThat(results.json()).containsKeys(newer.toArray(String[]::new));
        assertThat(results.json()).containsEntry("kafka_2_workers_rps", 100.0).containsEntry("p99_latency_ms", 137.0);
        // The faster one-thread run, here the one after the runs through Kafka, is the baseline.
        assertThat(results.json()).containsEntry("in_process_rps", 48000.0).containsEntry("cpu_us_per_record_in_process_1_thread", 19.0)
                .containsEntry("in_process_rps_before_kafka", 47000.0).containsEntry("in_process_rps_after_kafka", 48000.0);
        // The ratios the JSON and the printout share divide by that baseline.
        assertThat(results.oneWorkerOverInProcess()).isEqualTo(100 / 48000.0);
        assertThat(results.cpuTwoOverOne()).isEqualTo(1.0);
        assertThat(results.boundOverInProcess()).isNaN(); // these runs carry no broker figure, so no bound
        var fast = new PipelineBenchCommand.InProcess(50000, 18);
        var slow = new PipelineBenchCommand.InProcess(40000, 22);
        assertThat(new PipelineBenchCommand.Baseline(fast, slow).faster()).isSameAs(fast);
        assertThat(new PipelineBenchCommand.Baseline(slow, fast).faster()).isSameAs(fast);
        assertThat(new PipelineBenchCommand.Baseline(slow, null).faster()).isSameAs(slow);
    }

    @Test
    void eachWorkerJvmWarmsUpOnAThirdOfTheInputButAThirdIsLeftToMeasure() {
        // One worker: the window opens at lag 2/3 (it has done a third).
        assertThat(PipelineBenchCommand.windowStartLag(18_000, 1)).isEqualTo(12_000);
        // Two: each has done about a third of the input when the window opens, as the one worker had.
        assertThat(PipelineBenchCommand.windowStartLag(18_000, 2)).isEqualTo(6_000);
        // Three or more: a third of the input is still measured.
        assertThat(PipelineBenchCommand.windowStartLag(18_000, 3)).isEqualTo(6_000);
        assertThat(PipelineBenchCommand.windowStartLag(100, 2)).isEqualTo(34);
        // The window closes with a thirtieth left, so that it always holds records.
        assertThat(PipelineBenchCommand.windowEndLag(18_000)).isEqualTo(600);
        for (int produced : new int[] {100, 1000, 6000, 18_000}) {
            for (int workers = 1; workers <= 4; workers++) {
                assertThat(PipelineBenchCommand.windowStartLag(produced, workers))
                        .isGreaterThan(PipelineBenchCommand.windowEndLag(produced) + produced / 4);
            }
        }
    }

    @Test
    void theBrokersDiskHoldsTheInputAndOneRunsOutputWithRoomToSpare(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // 81,000 photos of ~60 kB to 150,826-byte records: 81,000 × (60,000 + 150,826 + 2 × 512) × 1.1 + 256 MB.
        List<byte[]> jpegs = List.of(new byte[50_000], new byte[70_000]);
        long needed = PipelineBenchCommand.diskNeeded(81_000, jpegs, 150_826);
        assertThat(needed).isEqualTo((long) (81_000 * (60_000 + 150_826 + 2.0 * PipelineBenchCommand.RECORD_OVERHEAD_BYTES) * 1.1)
                + (256L << 20));
        assertThat(needed / 1e9).isBetween(19.0, 19.2);
        // More records need more room, bigger records too.
        assertThat(PipelineBenchCommand.diskNeeded(162_000, jpegs, 150_826)).isGreaterThan(needed);
        assertThat(PipelineBenchCommand.diskNeeded(81_000, jpegs, 3_136)).isLessThan(needed / 3);
        // What the disk holds passes; what it cannot hold fails at once in one line that says how to go on.
        PipelineBenchCommand.checkDisk(dir, 1);
        assertThatThrownBy(() -> PipelineBenchCommand.checkDisk(dir, Long.MAX_VALUE))
                .isInstanceOf(io.streamaug.core.cli.UsageException.class)
                .hasMessageContaining("GB is free there")
                .hasMessageContaining("--records")
                .hasMessageContaining("java.io.tmpdir")
                .hasMessageNotContaining("\n");
    }

    @Test
    void theBoundIsTheLesserOfTheCoresOverWorkerAndBrokerCpuAndTheOneStreamThread() {
        // 2026-12-06: 1,755 µs of worker CPU and 961 µs of the broker's JVM per record; the stream thread 1,336 µs.
        var run = new PipelineBenchCommand.Run(577, 1755, Map.of("stream", 1336.0), 0.77, 112_757, 961, 0.8);
        assertThat(run.boundRps(2)).isCloseTo(2e6 / (1755 + 961), org.assertj.core.data.Offset.offset(1e-9));
        // With four cores the stream thread is the bound.
        assertThat(run.boundRps(4)).isCloseTo(1e6 / 1336, org.assertj.core.data.Offset.offset(1e-9));
        // Without its JIT threads: 1,755 − 218 µs.
        var withJit = new PipelineBenchCommand.Run(577, 1755, Map.of("stream", 1336.0, "jit", 218.0), 0.77, 112_757, 961, 0.8);
        assertThat(withJit.cpuUsWithoutJit()).isEqualTo(1537.0);
        assertThat(run.cpuUsWithoutJit()).isEqualTo(1755.0);
        // Without the broker's figure there is no bound.
        assertThat(new PipelineBenchCommand.Run(577, 1755, Map.of("stream", 1336.0), 0.77, 112_757).boundRps(2)).isNaN();
    }

    @Test
    void machineCpuIsTheBusyShareOfAllCoresFromProcStat() {
        long[] before = MachineCpu.parse("cpu  100 5 50 800 20 3 2 0 0 0");
        long[] after = MachineCpu.parse("cpu  250 5 100 850 20 8 7 10 0 0");
        // busy: user + nice + system + irq + softirq + steal; idle: idle + iowait.
        assertThat(before).containsExactly(160, 980);
        assertThat(MachineCpu.busy(before, after)).isCloseTo(220.0 / 270, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(MachineCpu.busy(before, before)).isNaN();
        // A reading that failed ({0, 0}) gives no figure, not the average since boot.
        assertThat(MachineCpu.busy(new long[2], after)).isNaN();
        assertThat(MachineCpu.busy(before, new long[2])).isNaN();
        assertThat(MachineCpu.countCores(List.of("cpu  1 2 3 4 5 6 7 8", "cpu0 1 2 3 4 5 6 7 8", "cpu1 1 2 3 4 5 6 7 8",
                "intr 1 2", "cpufreq 3"))).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MachineCpu.parse("cpu0 1 2 3 4 5 6 7 8"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void machineCpuReadsThisMachinesProcStat() {
        long[] now = MachineCpu.read();
        assertThat(now[1]).isPositive();
        assertThat(now[0]).isBetween(0L, now[1]);
        assertThat(MachineCpu.cores()).isGreaterThanOrEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void namesWorkerThreadsByTheirLinuxNames() {
        String app = "bench-1-9876543210";
        // Kafka Streams names a stream thread "<application id>-<process id>-StreamThread-<n>"; Linux keeps 15 characters.
        assertThat(PipelineBenchCommand.threadGroup("bench-1-9876543", app)).isEqualTo("stream");
        assertThat(PipelineBenchCommand.threadGroup("bench-2-9876543", app)).isNull();
        assertThat(PipelineBenchCommand.threadGroup("kafka-producer-", app)).isEqualTo("producer_io");
        assertThat(PipelineBenchCommand.threadGroup("C2 CompilerThre", app)).isEqualTo("jit");
        assertThat(PipelineBenchCommand.threadGroup("C1 CompilerThre", app)).isEqualTo("jit");
        assertThat(PipelineBenchCommand.threadGroup("GC Thread#0", app)).isEqualTo("gc");
        assertThat(PipelineBenchCommand.threadGroup("G1 Conc#0", app)).isEqualTo("gc");
        assertThat(PipelineBenchCommand.threadGroup("VM Thread", app)).isEqualTo("gc");
        assertThat(PipelineBenchCommand.threadGroup("kafka-coordinat", app)).isNull();
        assertThat(PipelineBenchCommand.threadGroup("main", app)).isNull();
        assertThat(PipelineBenchCommand.threadGroup("bench-1-9876543", "short")).isNull();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void countsTheCpuTimeOfANamedThreadInItsGroup() throws Exception {
        String app = "cputest-" + System.nanoTime();
        long pid = ProcessHandle.current().pid();
        long before = PipelineBenchCommand.threadTicks(pid, app).getOrDefault("stream", 0L);
        AtomicBoolean stop = new AtomicBoolean();
        long[] sink = new long[1];
        Thread busy = new Thread(() -> {
            long x = 0;
            while (!stop.get()) {
                x += System.nanoTime() % 7;
            }
            sink[0] = x;
        }, app + "-StreamThread-1");
        busy.start();
        long cpuStart = System.nanoTime();
        Map<String, Long> during;
        do {
            Thread.sleep(50);
            during = PipelineBenchCommand.threadTicks(pid, app);
        } while (during.getOrDefault("stream", 0L) - before < 30 && System.nanoTime() - cpuStart < 10_000_000_000L);
        stop.set(true);
        busy.join();
        // 30 ticks: 0.3 s of CPU in the group named after the application id.
        assertThat(during.getOrDefault("stream", 0L) - before).isGreaterThanOrEqualTo(30);
        assertThat(during).containsKey("jit"); // HotSpot's compiler threads exist in every JVM
    }
}
