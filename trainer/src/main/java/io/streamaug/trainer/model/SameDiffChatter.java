package io.streamaug.trainer.model;

import java.io.PrintStream;

/**
 * Standard output without SameDiff's build chatter. DL4J 1.0.0-M2.1's {@code SameDiff} prints
 * {@code Added differentiated op NAME} with {@code System.out.println}, unconditionally, for each op
 * of a SameDiff layer's gradient graph ({@link LayerNorm2d}'s, on a CNN's first backward pass):
 * a dozen lines of noise in the standard output where {@code train}, {@code sweep} and the demo
 * print their results. This stream drops exactly those lines and passes everything else through.
 */
public final class SameDiffChatter extends PrintStream {
    static final String PREFIX = "Added differentiated op ";

    public SameDiffChatter(PrintStream out) {
        super(out, true);
    }

    @Override
    public void println(String line) {
        if (line == null || !line.startsWith(PREFIX)) {
            super.println(line);
        }
    }

    /** Filters {@code System.out} from now on (once; a second call changes nothing). */
    public static void silence() {
        if (!(System.out instanceof SameDiffChatter)) {
            System.setOut(new SameDiffChatter(System.out));
        }
    }
}
