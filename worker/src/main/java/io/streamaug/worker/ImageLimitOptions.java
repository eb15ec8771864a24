package io.streamaug.worker;

import io.streamaug.augment.image.ImageLimits;
import io.streamaug.core.cli.UsageException;
import picocli.CommandLine.Option;

/**
 * The image-size guard's flags, shared by the worker and {@code stats} so that the statistics
 * count exactly the images the workers accept.
 */
public final class ImageLimitOptions {
    @Option(names = "--max-image-bytes", paramLabel = "BYTES", defaultValue = "33554432",
            description = "Largest encoded image accepted; larger goes to the dead-letter topic (default: 32 MiB).")
    long maxImageBytes;

    @Option(names = "--max-image-pixels", paramLabel = "N", defaultValue = "40000000",
            description = "Most pixels an image may declare in its header; more is refused before decoding"
                    + " (default: ${DEFAULT-VALUE}).")
    long maxImagePixels;

    /** The limits, or one clear line naming the flags. */
    public ImageLimits limits() {
        try {
            return new ImageLimits(maxImageBytes, maxImagePixels);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--max-image-bytes/--max-image-pixels: " + e.getMessage());
        }
    }
}
