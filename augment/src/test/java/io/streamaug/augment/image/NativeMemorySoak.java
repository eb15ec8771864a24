package io.streamaug.augment.image;

import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs every op through a pipeline many times and prints the resident size before and after, for
 * {@link NativeMemoryTest}. Meant for a JVM with a small, pre-touched heap, so that resident growth
 * is native growth.
 */
public final class NativeMemorySoak {
    static final String EVERY_OP = "{seed: 7, channels: 3, ops: ["
            + "{op: RandomCrop, size: 28, padding: 4}, {op: HorizontalFlip, p: 1}, {op: VerticalFlip, p: 1},"
            + "{op: Rotate, angle_range: 15}, {op: Translate, x_range: 0.1, y_range: 0.1}, {op: Scale, zoom_range: [0.9, 1.1]},"
            + "{op: RandomResizedCrop, size: 28}, {op: GaussianNoise, sigma_range: [0.01, 0.1]},"
            + "{op: RandomErasing, p: 1, value: random}, {op: ColorJitter, brightness: 0.3, contrast: 0.3, saturation: 0.3, hue: 0.05},"
            + "{op: Resize, size: [30, 30]}, {op: CenterCrop, size: 28},"
            + "{op: AutoContrast}, {op: Equalize}, {op: Invert}, {op: Posterize}, {op: Solarize}, {op: Brightness},"
            + "{op: Contrast}, {op: Color}, {op: Sharpness}, {op: ShearX}, {op: ShearY}, {op: TranslateX, pixels_range: 3},"
            + "{op: TranslateY, pixels_range: 3}, {op: GaussianBlur, kernel_size: 3}, {op: Perspective, p: 1},"
            + "{op: JpegQuality, quality_range: [40, 90]}, {op: ChannelShuffle}, {op: Grayscale},"
            + "{op: RandAugment, num_ops: 3, magnitude_std: 1}, {op: TrivialAugmentWide}, {op: AutoAugment}, {op: AugMix}],"
            + " mix: {mixup_alpha: 0.4, cutmix_alpha: 1.0, p: 1.0}}";
    static final int OPS_PER_SAMPLE = 35; // 34 ops and one mix

    private NativeMemorySoak() {
    }

    /** Args: warm-up samples, measured ops. Prints "rss_kb AFTER_WARMUP HALFWAY END". */
    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(args[0]);
        int ops = Integer.parseInt(args[1]);
        Normalization norm = new Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f}, 0);
        byte[] image = TestImages.solidRgbPng(28, 28, 120, 60, 30);
        try (ImagePipeline pipeline = new ImagePipeline(new SpecLoader(List.of()).parse(EVERY_OP, "soak"), norm, 10)) {
            AugmentedImage partner = pipeline.augment("partner", Split.TRAIN, 0, 0, image, Label.of(1));
            long before = 0;
            long halfway = 0;
            int samples = ops / OPS_PER_SAMPLE + 1;
            for (int i = 0; i < warmup + samples; i++) {
                if (i == warmup) {
                    before = residentKb();
                }
                if (i == warmup + samples / 2) {
                    halfway = residentKb();
                }
                AugmentedImage augmented = pipeline.augment("s" + i, Split.TRAIN, 0, i % 3, image, Label.of(i % 10));
                if (augmented.trace().size() != OPS_PER_SAMPLE - 1) {
                    throw new IllegalStateException("expected every op to apply, got " + augmented.trace());
                }
                pipeline.toPrepared(pipeline.mix(augmented, partner), "d");
            }
            System.out.println("rss_kb " + before + " " + halfway + " " + residentKb());
        }
    }

    static long residentKb() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).sum();
    }
}
