package io.streamaug.augment.bench;

import io.streamaug.augment.image.ImageDecoder;
import io.streamaug.augment.image.ImageHeader;
import io.streamaug.augment.image.ImageLimits;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.image.ReducedDecode;
import io.streamaug.augment.image.ops.Resize;
import io.streamaug.augment.spec.LabelRule;
import io.streamaug.augment.spec.Step;
import io.streamaug.core.cli.JsonOutput;
import io.streamaug.core.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamaug bench decode}: what reduced JPEG decoding costs in quality. For each photo and
 * each output size, the image shrunk to that size (shorter side, area interpolation) from a full
 * decode and from a decode at the reduction {@link ReducedDecode} chooses for {@code Resize}; the
 * PSNR between the two. As a yardstick, the PSNR between area and bilinear resizing of the full
 * decode: what a change of interpolation alone does. A quality figure, not a timing.
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"PSNR of reduced JPEG decoding (libjpeg's DCT scaling at 1/2, 1/4, 1/8) + area resize against a "
                + "full decode + area resize, per photo and output size; beside it, area vs bilinear resize of the full "
                + "decode as a yardstick. PNG photos are encoded as JPEG (quality --quality) first."})
public final class DecodeBenchCommand implements Callable<Integer> {
    /** Debian's python3-skimage: scikit-image's sample photographs. */
    static final Path SKIMAGE_DATA = Path.of("/usr/lib/python3/dist-packages/skimage/data");
    static final List<String> SKIMAGE_PHOTOS = List.of("astronaut.png", "chelsea.png", "coffee.png", "camera.png",
            "motorcycle_left.png", "rocket.jpg", "hubble_deep_field.jpg", "retina.jpg");

    @Mixin
    JsonOutput json;

    @Option(names = "--images", paramLabel = "FILE|DIR", split = ",",
            description = "Photos (JPEG or PNG), or directories of them (default: scikit-image's sample photographs in "
                    + "/usr/lib/python3/dist-packages/skimage/data, Debian's python3-skimage).")
    List<Path> images;

    @Option(names = "--sizes", split = ",", defaultValue = "224,128,64",
            description = "Output shorter sides (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--quality", defaultValue = "90", description = "JPEG quality PNG photos are encoded at (default: ${DEFAULT-VALUE}).")
    int quality;

    @Override
    public Integer call() throws IOException {
        json.check();
        List<Path> files = files();
        if (files.isEmpty()) {
            throw new UsageException("no photos: give --images FILE|DIR, or install Debian's python3-skimage");
        }
        OpenCv.load();
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-24s %11s %6s %9s %12s %14s%n", "photo", "stored", "side", "reduced",
                "PSNR (dB)", "area/bilinear");
        try (ImageDecoder decoder = new ImageDecoder(3, ImageLimits.DEFAULT)) {
            for (Path file : files) {
                byte[] jpeg = asJpeg(Files.readAllBytes(file));
                ImageHeader.Size stored = ImageHeader.read(jpeg);
                for (int side : sizes) {
                    Resize resize = Resize.shorterSide(side, Interpolation.AREA, 1);
                    ReducedDecode plan = ReducedDecode.forSteps(List.of(new Step.Op(resize, LabelRule.NONE)));
                    int[] out = resize.outputSize((int) stored.height(), (int) stored.width());
                    Mat full = new Mat();
                    Mat reduced = new Mat();
                    decoder.decode(jpeg, full);
                    decoder.decode(jpeg, reduced, plan);
                    int factor = decoder.lastFactor();
                    Mat fromFull = shrink(full, out, Imgproc.INTER_AREA);
                    Mat fromReduced = shrink(reduced, out, Imgproc.INTER_AREA);
                    Mat bilinear = shrink(full, out, Imgproc.INTER_LINEAR);
                    double psnr = Core.PSNR(fromFull, fromReduced);
                    double yardstick = Core.PSNR(fromFull, bilinear);
                    for (Mat m : List.of(full, reduced, fromFull, fromReduced, bilinear)) {
                        m.release();
                    }
                    System.out.printf(Locale.ROOT, "%-24s %11s %6d %9s %12s %14.1f%n", file.getFileName(),
                            stored.width() + "×" + stored.height(), side, "1/" + factor,
                            factor == 1 ? "(same)" : String.format(Locale.ROOT, "%.1f", psnr), yardstick);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("photo", file.getFileName().toString());
                    row.put("width", stored.width());
                    row.put("height", stored.height());
                    row.put("side", side);
                    row.put("factor", factor);
                    row.put("psnr_db", factor == 1 ? null : Math.round(psnr * 10) / 10.0);
                    row.put("area_vs_bilinear_psnr_db", Math.round(yardstick * 10) / 10.0);
                    rows.add(row);
                }
            }
        }
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("quality", quality);
        results.put("rows", rows);
        json.write(results);
        return 0;
    }

    private List<Path> files() throws IOException {
        List<Path> roots = images;
        if (roots == null || roots.isEmpty()) {
            return SKIMAGE_PHOTOS.stream().map(SKIMAGE_DATA::resolve).filter(Files::isRegularFile).toList();
        }
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> listing = Files.list(root)) {
                    listing.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)")).sorted()
                            .forEach(files::add);
                }
            } else if (Files.isRegularFile(root)) {
                files.add(root);
            } else {
                throw new UsageException("--images " + root + ": no such file or directory");
            }
        }
        return files;
    }

    /** The bytes as they are when a JPEG; else decoded and encoded as a JPEG at {@link #quality}. */
    private byte[] asJpeg(byte[] encoded) {
        if (encoded.length > 2 && (encoded[0] & 0xff) == 0xFF && (encoded[1] & 0xff) == 0xD8) {
            return encoded;
        }
        Mat image = Imgcodecs.imdecode(new MatOfByte(encoded), Imgcodecs.IMREAD_UNCHANGED);
        MatOfByte out = new MatOfByte();
        MatOfInt params = new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality);
        try {
            if (image.channels() == 4) {
                Imgproc.cvtColor(image, image, Imgproc.COLOR_BGRA2BGR);
            }
            Imgcodecs.imencode(".jpg", image, out, params);
            return out.toArray();
        } finally {
            image.release();
            out.release();
            params.release();
        }
    }

    private static Mat shrink(Mat image, int[] size, int interpolation) {
        Mat out = new Mat();
        Imgproc.resize(image, out, new Size(size[1], size[0]), 0, 0, interpolation);
        return out;
    }
}
