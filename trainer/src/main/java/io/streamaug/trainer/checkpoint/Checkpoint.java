package io.streamaug.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.features.Featuriser;
import io.streamaug.trainer.source.Buffered;
import io.streamaug.trainer.source.RecordSource;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One trainer checkpoint: a directory {@code step-NNNNNNNNN} holding the model with its updater
 * state ({@code model.zip}), everything else needed to resume exactly ({@code state.json}: step,
 * per-partition offsets, stats version and values, class names, featuriser, config, early-stopping
 * state, the shuffle generator's state and an audit of what was trained), the records waiting in
 * the shuffle buffer ({@code buffer.bin}) and, with early stopping, the best parameters so far
 * ({@code best.bin}). Format 2 adds the {@link Provenance} of the stream trained on; format 1
 * checkpoints (without it) load as before. It is written to a temporary directory first and then renamed, so a crash
 * leaves either the whole checkpoint or none of it.
 */
public final class Checkpoint {
    public static final String MODEL = "model.zip";
    public static final String STATE = "state.json";
    public static final String BUFFER = "buffer.bin";
    public static final String BEST = "best.bin";
    private static final Pattern NAME = Pattern.compile("step-(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);
    /** Checkpoints kept besides the newest. */
    private static final int KEEP_OLDER = 1;

    /** The checkpoint's metadata. {@code offsets}: partition → next offset to read. */
    public record State(
            int format,
            String topic,
            long step,
            long samples,
            Map<Integer, Long> offsets,
            long statsVersion,
            double[] statsMean,
            double[] statsStd,
            String dataset,
            List<String> classes,
            Map<String, Object> featuriser,
            String config,
            Double bestMetric,
            long bestStep,
            int evalsWithoutImprovement,
            String shuffleRandomState,
            long trainedCount,
            long trainedFingerprint,
            long deadLetters,
            Provenance provenance) {
        public State {
            offsets = new TreeMap<>(offsets);
            classes = List.copyOf(classes);
        }

        public TrainConfig trainConfig() {
            return TrainConfig.fromJson(config);
        }

        public Featuriser features() {
            return Featuriser.fromMap(featuriser);
        }
    }

    /** The format this code writes. */
    public static final int FORMAT = 2;

    /** A loaded checkpoint; the caller owns the network and the best parameters. */
    public record Loaded(Path dir, State state, MultiLayerNetwork net, List<Buffered> buffer, INDArray bestParams) {
        /** Where the record source stood, to continue reading exactly there. */
        public RecordSource.Position position() {
            return new RecordSource.Position(state.offsets(), buffer, Base64.getDecoder().decode(state.shuffleRandomState()),
                    state.statsVersion(), state.deadLetters());
        }
    }

    private Checkpoint() {
    }

    /** Writes a checkpoint under {@code root} and removes older ones but one; returns its directory. */
    public static Path write(Path root, State state, MultiLayerNetwork net, List<Buffered> buffer, INDArray bestParams) {
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, ".tmp-step-" + state.step() + "-");
            ModelSerializer.writeModel(net, tmp.resolve(MODEL).toFile(), true);
            JSON.writeValue(tmp.resolve(STATE).toFile(), state);
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                    Files.newOutputStream(tmp.resolve(BUFFER))))) {
                out.writeInt(buffer.size());
                for (Buffered item : buffer) {
                    out.writeInt(item.partition());
                    out.writeLong(item.offset());
                    out.writeInt(item.value().length);
                    out.write(item.value());
                }
            }
            if (bestParams != null) {
                Nd4j.saveBinary(bestParams, tmp.resolve(BEST).toFile());
            }
            Path target = root.resolve(String.format("step-%09d", state.step()));
            if (Files.exists(target)) {
                deleteTree(target); // a re-run of the same step (e.g. the final one) replaces it
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            List<Path> all = list(root);
            for (int i = 0; i < all.size() - 1 - KEEP_OLDER; i++) {
                deleteTree(all.get(i));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a checkpoint under " + root + ": " + e.getMessage(), e);
        }
    }

    /** The checkpoints under {@code root}, oldest first (empty when none). */
    public static List<Path> list(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
            for (Path p : stream) {
                if (NAME.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p.resolve(STATE))) {
                    dirs.add(p);
                }
            }
        }
        dirs.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return dirs;
    }

    /**
     * Resolves a checkpoint argument: a checkpoint directory itself, or a directory of checkpoints
     * (its newest). Returns {@code null} when {@code path} holds none.
     */
    public static Path resolve(Path path) {
        if (Files.isRegularFile(path.resolve(STATE))) {
            return path;
        }
        try {
            List<Path> all = list(path);
            return all.isEmpty() ? null : all.get(all.size() - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static State readState(Path dir) {
        try {
            return JSON.readValue(dir.resolve(STATE).toFile(), State.class);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(dir + " is not a checkpoint (no " + STATE + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Loads a checkpoint directory completely. */
    public static Loaded load(Path dir) {
        State state = readState(dir);
        try {
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(dir.resolve(MODEL).toFile(), true);
            List<Buffered> buffer = new ArrayList<>();
            Path bufferFile = dir.resolve(BUFFER);
            if (Files.exists(bufferFile)) {
                try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(bufferFile)))) {
                    int n = in.readInt();
                    for (int i = 0; i < n; i++) {
                        int partition = in.readInt();
                        long offset = in.readLong();
                        byte[] value = new byte[in.readInt()];
                        in.readFully(value);
                        buffer.add(new Buffered(partition, offset, value, PreparedCodec.decode(value)));
                    }
                }
            }
            INDArray best = Files.exists(dir.resolve(BEST)) ? Nd4j.readBinary(dir.resolve(BEST).toFile()) : null;
            return new Loaded(dir, state, net, buffer, best);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
