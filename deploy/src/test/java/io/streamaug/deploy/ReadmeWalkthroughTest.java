package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.augment.image.OpenCv;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.Split;
import io.streamaug.core.cli.Commands;
import io.streamaug.core.process.ChildJvm;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.kafka.DatasetCatalog;
import io.streamaug.kafka.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;
import picocli.CommandLine;

/**
 * README's "Running it yourself", command by command as README writes them (parsed out of its
 * fenced block, so the test breaks when README changes), on a real broker with a folder of
 * photographs made here: three classes, colour and grayscale, JPEG and PNG, several sizes, no
 * test/ folder. The test only adds what its environment needs: the broker's address, a topic
 * prefix, and where the folder and the runs are.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ReadmeWalkthroughTest {
    private static final List<String> CLASSES = List.of("circles", "squares", "stripes");

    record Outcome(int code, String out, String err) {
    }

    @Test
    void aNewUsersPhotoFolderGoesThroughTheReadmeCommands(TestKafka kafka, @TempDir Path dir) throws Exception {
        List<List<String>> commands = readmeCommands();
        assertThat(commands).extracting(c -> c.get(0))
                .containsExactly("broker", "topics", "produce", "stats", "augment", "train", "evaluate");
        Path photos = photoFolder(dir.resolve("photos"));
        Path runs = dir.resolve("runs");
        Topics topics = kafka.freshTopics("readme");
        List<String> connect = List.of("--bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix());

        // broker: the test's own broker stands in for it.
        Outcome topicsRun = run(with(commands.get(1), connect));
        assertThat(topicsRun.code()).as(topicsRun.err()).isZero();

        Outcome produce = run(with(commands.get(2), connect, photos, runs));
        assertThat(produce.code()).as(produce.err()).isZero();
        assertThat(produce.out()).contains("produced 45 records of dataset 'photos'");
        int train = splitCount(produce.out(), Split.TRAIN);
        int val = splitCount(produce.out(), Split.VAL);
        int test = splitCount(produce.out(), Split.TEST);
        assertThat(train + val + test).isEqualTo(45);
        assertThat(val).isPositive();
        assertThat(test).isPositive();

        Outcome stats = run(with(commands.get(3), connect));
        assertThat(stats.code()).as(stats.err()).isZero();
        var published = DatasetCatalog.readStats(kafka.clientProperties(), topics, Duration.ofSeconds(10)).get("photos");
        assertThat(published.version()).isEqualTo(1);
        assertThat(published.channels()).isEqualTo(3);

        Path workerLog = dir.resolve("augment.log");
        Process worker = ChildJvm.main(StreamaugCli.class).heap("512m")
                .args(with(commands.get(4), connect)).logTo(workerLog).start();
        try {
            List<ConsumerRecord<String, byte[]>> prepared = kafka.readCommitted(45, Duration.ofSeconds(60),
                    topics.augmentedTrain(), topics.preparedVal(), topics.preparedTest());
            assertThat(prepared).as(Files.readString(workerLog)).hasSize(45);
            for (ConsumerRecord<String, byte[]> record : prepared) {
                PreparedSample sample = PreparedCodec.decode(record.value());
                assertThat(sample.statsVersion()).as("normalised with the statistics stats published").isEqualTo(1);
                assertThat(sample.dataset()).isEqualTo("photos");
            }
            assertThat(Files.readString(workerLog))
                    .contains("normalising with the training statistics of dataset 'photos', version 1");

            Outcome trained = run(with(commands.get(5), connect, photos, runs));
            assertThat(trained.code()).as(trained.err()).isZero();
            assertThat(trained.out()).containsPattern("steps: [1-9]").contains("samples: " + train)
                    .contains("dead_letters: 0");
        } finally {
            ChildJvm.stop(worker, Duration.ofSeconds(20));
        }

        // evaluate finds the topics in the checkpoint: no --topic-prefix.
        Outcome evaluate = run(with(commands.get(6), List.of("--bootstrap", kafka.bootstrapServers()), photos, runs));
        assertThat(evaluate.code()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).containsPattern("accuracy \\d\\.\\d{4} \\(\\d+/" + test + "\\)")
                .contains("circles").contains("squares").contains("stripes");
    }

    /** The {@code ./streamaug …} lines of README's "Running it yourself" block, without their comments. */
    static List<List<String>> readmeCommands() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("## Running it yourself");
        assertThat(section).as("README has a 'Running it yourself' section").isPositive();
        int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
        String block = readme.substring(start, readme.indexOf("```", start));
        List<List<String>> commands = new ArrayList<>();
        for (String line : block.lines().toList()) {
            String command = line.replaceFirst("\\s+#.*$", "").strip();
            if (command.startsWith("./streamaug ")) {
                commands.add(List.of(command.substring("./streamaug ".length()).split("\\s+")));
            }
        }
        return commands;
    }

    /**
     * A README command in this test's environment: the folder and the runs where the test keeps
     * them, and the connection flags after the command's (sub)command name.
     */
    private static String[] with(List<String> command, List<String> connect, Path photos, Path runs) {
        List<String> args = new ArrayList<>();
        for (String arg : command) {
            args.add(arg.equals("photos/") ? photos.toString()
                    : arg.startsWith(".streamaug/runs/") ? runs.resolve(arg.substring(".streamaug/runs/".length())).toString()
                    : arg);
        }
        int at = args.get(0).equals("produce") ? 2 : 1;
        args.addAll(at, connect);
        if (args.get(0).equals("train")) {
            args.addAll(List.of("--runs", runs.toString(), "--quiet"));
        }
        return args.toArray(String[]::new);
    }

    private static String[] with(List<String> command, List<String> connect) {
        return with(command, connect, Path.of("photos"), Path.of("runs"));
    }

    private static int splitCount(String produceOut, Split split) {
        Matcher m = Pattern.compile("(?m)^\\s+" + split.wireName() + "\\s+(\\d+) records").matcher(produceOut);
        assertThat(m.find()).as(produceOut).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static Outcome run(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            CommandLine cli = Commands.configure(new CommandLine(new StreamaugCli()));
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err + errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    /**
     * Fifteen photographs per class, drawn like camera shots: a lit gradient background, sensor
     * noise, the class's shape in a colour of its own at a random place and size, blurred a little.
     * Every third is grayscale, every other a JPEG, sizes vary.
     */
    private static Path photoFolder(Path root) throws Exception {
        OpenCv.load();
        Random random = new Random(7);
        for (int c = 0; c < CLASSES.size(); c++) {
            Path folder = Files.createDirectories(root.resolve(CLASSES.get(c)));
            for (int i = 0; i < 15; i++) {
                int width = 72 + random.nextInt(80);
                int height = 60 + random.nextInt(60);
                Mat image = new Mat(height, width, CvType.CV_8UC3);
                Mat noise = new Mat(height, width, CvType.CV_8UC3);
                try {
                    for (int y = 0; y < height; y++) {
                        double light = 90 + 100.0 * y / height;
                        Imgproc.line(image, new Point(0, y), new Point(width - 1, y),
                                new Scalar(light * 0.8, light * 0.9, light), 1);
                    }
                    Scalar colour = new Scalar(40 + random.nextInt(60), 60 + 60 * c, 220 - 70 * c);
                    int size = Math.min(width, height) / 3 + random.nextInt(Math.min(width, height) / 4);
                    Point centre = new Point(size + random.nextInt(Math.max(1, width - 2 * size)),
                            size / 2 + random.nextInt(Math.max(1, height - size)));
                    switch (c) {
                        case 0 -> Imgproc.circle(image, centre, size / 2, colour, -1);
                        case 1 -> Imgproc.rectangle(image, new Point(centre.x - size / 2.0, centre.y - size / 2.0),
                                new Point(centre.x + size / 2.0, centre.y + size / 2.0), colour, -1);
                        default -> {
                            for (int x = random.nextInt(6); x < width; x += 10) {
                                Imgproc.line(image, new Point(x, 0), new Point(x + height / 2.0, height), colour, 3);
                            }
                        }
                    }
                    Core.randn(noise, 0, 6);
                    Core.add(image, noise, image);
                    Imgproc.GaussianBlur(image, image, new org.opencv.core.Size(3, 3), 0.8);
                    if (i % 3 == 0) {
                        Imgproc.cvtColor(image, image, Imgproc.COLOR_BGR2GRAY);
                    }
                    String name = String.format("IMG_%04d.%s", 100 + i, i % 2 == 0 ? "jpg" : "png");
                    assertThat(Imgcodecs.imwrite(folder.resolve(name).toString(), image)).isTrue();
                } finally {
                    image.release();
                    noise.release();
                }
            }
        }
        return root;
    }
}
