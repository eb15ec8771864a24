package io.streamaug.trainer.bench;

import io.streamaug.datasets.FashionMnist;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.core.Learner;
import io.streamaug.trainer.core.Nd4jProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trainer steps per second, in this process: one of the {@link BenchModel}s with the default recipe,
 * on uint8 28×28 prepared samples (the batch copy with the affine decode is part of each step, as in
 * the trainer). {@code main} prints one JSON line; {@code bench trainer} runs it in child JVMs, one
 * per OpenMP thread count, because ND4J reads {@code OMP_NUM_THREADS} once at start.
 */
public final class TrainerBench {
    private TrainerBench() {
    }

    /** Median samples/s over {@code rounds} rounds of about {@code seconds} each, after a warm-up of half a round (at least 0.5 s). */
    public static double samplesPerSecond(BenchModel model, int batchSize, int rounds, double seconds) {
        return samplesPerSecond(model, batchSize, rounds, seconds, defaultWarmUp(seconds));
    }

    /** Median samples/s over {@code rounds} rounds of about {@code seconds} each, after {@code warmUp} seconds of training. */
    public static double samplesPerSecond(BenchModel model, int batchSize, int rounds, double seconds, double warmUp) {
        TrainConfig config = model.config(batchSize);
        List<List<PreparedSample>> batches = batches(batchSize, 8);
        try (Learner steps = Learner.create(config, 10, batches.get(0).get(0))) {
            run(steps, batches, warmUp); // warm-up: JIT and native allocations
            double[] rates = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                rates[r] = run(steps, batches, seconds);
            }
            Arrays.sort(rates);
            return rates[rounds / 2];
        }
    }

    private static double defaultWarmUp(double seconds) {
        return Math.max(0.5, seconds / 2);
    }

    private static double run(Learner steps, List<List<PreparedSample>> batches, double seconds) {
        return run(batches, seconds, steps::fit);
    }

    private static double run(List<List<PreparedSample>> batches, double seconds,
            java.util.function.Consumer<List<PreparedSample>> step) {
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long samples = 0;
        int i = 0;
        while (System.nanoTime() < deadline) {
            List<PreparedSample> batch = batches.get(i++ % batches.size());
            step.accept(batch);
            samples += batch.size();
        }
        return samples / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Where the time of one minibatch-1 step goes, in µs per step (medians): the batch copy alone,
     * the forward pass alone, a full step with plain SGD (no updater state), and with Adam.
     */
    public static Map<String, Double> breakdown(int rounds, double seconds) {
        return breakdown(rounds, seconds, defaultWarmUp(seconds));
    }

    /** As {@link #breakdown(int, double)}, each part first run for {@code warmUp} seconds. */
    public static Map<String, Double> breakdown(int rounds, double seconds, double warmUp) {
        List<List<PreparedSample>> batches = batches(1, 8);
        Map<String, Double> out = new LinkedHashMap<>();
        TrainConfig adam = TrainConfig.defaults().with(Map.of("norm", "layer", "batch_size", "1"));
        TrainConfig sgd = adam.with(Map.of("optimizer", "sgd", "momentum", "0"));
        try (Learner a = Learner.create(adam, 10, batches.get(0).get(0));
                Learner s = Learner.create(sgd, 10, batches.get(0).get(0))) {
            Map<String, java.util.function.Consumer<List<PreparedSample>>> parts = new LinkedHashMap<>();
            parts.put("batch_copy_us", a::buildOnly);
            parts.put("forward_us", a::forwardOnly);
            parts.put("step_sgd_us", b -> s.fit(b));
            parts.put("step_adam_us", b -> a.fit(b));
            parts.forEach((name, part) -> run(batches, warmUp, part));
            Map<String, double[]> rates = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) { // interleaved, so drift hits every part alike
                for (var part : parts.entrySet()) {
                    rates.computeIfAbsent(part.getKey(), k -> new double[rounds])[r] = run(batches, seconds, part.getValue());
                }
            }
            rates.forEach((name, values) -> {
                Arrays.sort(values);
                out.put(name, 1e6 / values[rounds / 2]);
            });
        }
        return out;
    }

    static List<List<PreparedSample>> batches(int batchSize, int count) {
        SplittableRandom random = new SplittableRandom(7);
        List<List<PreparedSample>> out = new ArrayList<>();
        float[] scale = {1f / (255 * FashionMnist.STD)};
        float[] offset = {-FashionMnist.MEAN / FashionMnist.STD};
        for (int b = 0; b < count; b++) {
            List<PreparedSample> batch = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i++) {
                byte[] pixels = new byte[784];
                for (int p = 0; p < pixels.length; p++) {
                    pixels[p] = (byte) random.nextInt(256);
                }
                batch.add(new PreparedSample("b" + b + "-" + i, "bench", Split.TRAIN, 0, 0, 1,
                        Tensor.uint8(1, 28, 28, pixels, scale, offset), Label.of(random.nextInt(10)), List.of()));
            }
            out.add(batch);
        }
        return out;
    }

    /**
     * {@code TrainerBench MODEL BATCH_SIZES ROUNDS SECONDS [WARM_UP]}, e.g. {@code mlp 1,32,128 3 2 3}, prints one
     * JSON line of rates; {@code TrainerBench breakdown - ROUNDS SECONDS [WARM_UP]} the minibatch-1 parts;
     * {@code TrainerBench environment} what this JVM's ND4J runs on.
     */
    public static void main(String[] args) throws Exception {
        Nd4jProcess.prepare();
        ObjectMapper json = new ObjectMapper();
        if (args[0].equals("environment")) {
            System.out.println(json.writeValueAsString(RuntimeReport.describe()));
            return;
        }
        int rounds = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        double warmUp = args.length > 4 ? Double.parseDouble(args[4]) : defaultWarmUp(seconds);
        if (args[0].equals("breakdown")) {
            System.out.println(json.writeValueAsString(breakdown(rounds, seconds, warmUp)));
            return;
        }
        BenchModel model = BenchModel.of(args[0]);
        Map<String, Double> out = new LinkedHashMap<>();
        for (String bs : args[1].split(",")) {
            out.put("bs" + bs, samplesPerSecond(model, Integer.parseInt(bs), rounds, seconds, warmUp));
        }
        System.out.println(json.writeValueAsString(out));
    }
}
