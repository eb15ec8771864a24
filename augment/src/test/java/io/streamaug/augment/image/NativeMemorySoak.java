package io.streamaug.augment.image;

import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Runs every op through a pipeline many times, and JPEGs through the decoder's paths, and prints
 * the resident size before and after, for {@link NativeMemoryTest}. Meant for a JVM with a small,
 * pre-touched heap, so that resident growth is native growth.
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
    /**
     * JPEG photographs' paths: a first crop or resize sees the decoder's BGR pixels, moved into the
     * pipeline without a copy (train: the crop drawn before a reduced decode; val: a first resize);
     * the second spec decodes to RGB in full before its first op.
     */
    static final String PHOTOS = "{seed: 3, channels: 3, ops: [{op: RandomResizedCrop, size: 16}, {op: HorizontalFlip},"
            + " {op: ColorJitter, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 1}],"
            + " eval_ops: [{op: Resize, size: 18}, {op: CenterCrop, size: 16}], output: {dtype: uint8}}";
    static final String PHOTOS_FULL = "{seed: 3, channels: 3, decode: {reduced: false},"
            + " ops: [{op: ColorJitter, brightness: 0.4, p: 1}, {op: RandomResizedCrop, size: 16}]}";

    private NativeMemorySoak() {
    }

    /** JPEGs measured (after 100 to warm up): a 256×192 image leaked on each would be ~300 MB. */
    static final int JPEG_SAMPLES = 1000;

    /**
     * Args: warm-up samples, measured ops. Prints "rss_kb AFTER_WARMUP HALFWAY END", then
     * "jpeg_rss_kb BEFORE AFTER" of {@link #JPEG_SAMPLES} JPEGs through both photo pipelines.
     */
    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(args[0]);
        int ops = Integer.parseInt(args[1]);
        Normalization norm = new Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f}, 0);
        byte[] image = TestImages.solidRgbPng(28, 28, 120, 60, 30);
        OpenCv.load();
        byte[][] jpegs = new byte[4][];
        for (int i = 0; i < jpegs.length; i++) {
            Mat noise = new Mat(192, 256, CvType.CV_8UC3);
            Core.randu(noise, 0, 256);
            jpegs[i] = TestImages.withExifOrientation(TestImages.jpeg(noise, 90), 1 + 2 * i);
        }
        try (ImagePipeline pipeline = new ImagePipeline(new SpecLoader(List.of()).parse(EVERY_OP, "soak"), norm, 10);
                ImagePipeline photos = new ImagePipeline(new SpecLoader(List.of()).parse(PHOTOS, "soak-photos"), norm, 10);
                ImagePipeline photosFull = new ImagePipeline(new SpecLoader(List.of()).parse(PHOTOS_FULL, "soak-full"), norm, 10)) {
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
            // JPEGs on their own, after a collection: they allocate too little Java memory to need
            // another, whose finalisers would free leaked Mats and hide the leak (or let the
            // allocator reuse memory freed by one during the count).
            System.gc();
            System.runFinalization();
            for (int i = 0; i < 100 + JPEG_SAMPLES; i++) {
                if (i == 100) {
                    before = residentKb();
                }
                byte[] jpeg = jpegs[i % jpegs.length];
                photos.prepare("j" + i, "d", i % 4 == 0 ? Split.VAL : Split.TRAIN, 0, 0, jpeg, Label.of(1));
                photosFull.prepare("f" + i, "d", Split.TRAIN, 0, 0, jpeg, Label.of(1));
            }
            System.out.println("jpeg_rss_kb " + before + " " + residentKb());
        }
    }

    static long residentKb() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).sum();
    }
}
