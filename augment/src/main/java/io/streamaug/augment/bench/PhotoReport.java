package io.streamaug.augment.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The photo benchmark's table per size, and its targets: the ratios they name, and whether each is met. */
final class PhotoReport {
    /** Ours ÷ the faster Python peer, on every pipeline the peers run. */
    static final double PEER_TARGET = 1.5;
    /** The full-decode pipeline ÷ OpenCV's decoder alone (the floor as first defined, whichever decoder the pipeline uses). */
    static final double FLOOR_TARGET = 0.85;
    /** Reduced ÷ full decode, on the 1024×768 set (at ~500×375 there is little to reduce). */
    static final double REDUCED_TARGET = 2.0;

    /** Rows: our key's stem, its label, and the peers' key stems (OpenCV-Python, torchvision), null where none. */
    private static final String[][] ROWS = {
        {"jpeg_decode", "decode alone (OpenCV imdecode)", "peer_opencv_jpeg_decode", "peer_pil_jpeg_decode"},
        {"jpeg_decode_turbojpeg", "decode alone (TurboJPEG)", null, null},
        {"jpeg_decode_turbojpeg_eighth", "decode alone (TurboJPEG at 1/8)", null, null},
        {"jpeg_pipeline", "crop, flip, jitter: full decode", "peer_opencv_jpeg_pipeline", "peer_torchvision_jpeg_pipeline"},
        {"jpeg_pipeline_reduced", "the same, reduced decode", null, null},
        {"jpeg_randaugment", "crop, flip, RandAugment (2, 9)", null, "peer_torchvision_jpeg_randaugment"},
        {"jpeg_trivialaugment", "crop, flip, TrivialAugmentWide", null, "peer_torchvision_jpeg_trivialaugment"},
    };

    private PhotoReport() {
    }

    /** Adds {@code targets_<size>}: each target's ratio, goal and whether it is met (peer targets only with peers). */
    static void addTargets(Map<String, Object> r) {
        for (String size : PhotoSet.SIZES) {
            List<Map<String, Object>> targets = new ArrayList<>();
            double full = rate(r, "jpeg_pipeline", size);
            targets.add(target("pipeline ÷ decode floor (OpenCV imdecode)", full / rate(r, "jpeg_decode", size),
                    FLOOR_TARGET));
            if (rate(r, "jpeg_decode_turbojpeg", size) > 0) {
                targets.add(target("pipeline ÷ TurboJPEG decode", full / rate(r, "jpeg_decode_turbojpeg", size), Double.NaN));
            }
            targets.add(target("reduced ÷ full decode", rate(r, "jpeg_pipeline_reduced", size) / full,
                    size.equals("1024") ? REDUCED_TARGET : Double.NaN));
            for (String[] row : ROWS) {
                if (row[0].startsWith("jpeg_decode") || row[3] == null) {
                    continue;
                }
                double faster = Math.max(rate(r, row[2], size), rate(r, row[3], size));
                if (faster > 0) {
                    targets.add(target(row[0].substring(5) + " ÷ faster peer", rate(r, row[0], size) / faster, PEER_TARGET));
                }
            }
            r.put("targets_" + size, targets);
        }
    }

    private static Map<String, Object> target(String name, double ratio, double goal) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("ratio", name);
        t.put("value", Math.round(ratio * 100) / 100.0);
        if (!Double.isNaN(goal)) {
            t.put("target", goal);
            t.put("met", ratio >= goal);
        }
        return t;
    }

    static void print(Map<String, Object> r) {
        for (String size : PhotoSet.SIZES) {
            System.out.printf(Locale.ROOT, "%nJPEG photographs, %s set (%s images), one thread: images/s, median of %s rounds%n",
                    size.equals("500") ? "~500×375" : "1024×768", r.get("images_" + size), r.get("rounds"));
            System.out.printf(Locale.ROOT, "  %-34s %10s %14s %12s%n", "", "streamaug", "OpenCV-Python", "torchvision");
            for (String[] row : ROWS) {
                if (rate(r, row[0], size) == 0) {
                    continue; // TurboJPEG's row, where it is not installed
                }
                System.out.printf(Locale.ROOT, "  %-34s %10.0f %14s %12s%n", row[1], rate(r, row[0], size),
                        cell(r, row[2], size), cell(r, row[3], size));
            }
            Object factors = r.get("jpeg_pipeline_reduced_decode_factors_" + size);
            if (factors != null) {
                System.out.printf(Locale.ROOT, "  (reduced decode: images per reduction %s)%n", factors);
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> targets = (List<Map<String, Object>>) r.get("targets_" + size);
            for (Map<String, Object> t : targets) {
                String verdict = !t.containsKey("target") ? "(no target)"
                        : String.format(Locale.ROOT, "target ≥ %s: %s", t.get("target"),
                                Boolean.TRUE.equals(t.get("met")) ? "met" : "NOT met");
                System.out.printf(Locale.ROOT, "  %-34s %9.2f×  %s%n", t.get("ratio"), t.get("value"), verdict);
            }
        }
        if (r.containsKey("peer_versions")) {
            System.out.printf(Locale.ROOT, "%npeers: %s (torchvision's decode: PIL)%n", r.get("peer_versions"));
        }
    }

    private static String cell(Map<String, Object> r, String stem, String size) {
        double value = rate(r, stem, size);
        return value > 0 ? String.format(Locale.ROOT, "%.0f", value) : "–";
    }

    /** The figure {@code <stem>_img_per_s_<size>}, 0 when absent. */
    private static double rate(Map<String, Object> r, String stem, String size) {
        return stem != null && r.get(stem + "_img_per_s_" + size) instanceof Number n ? n.doubleValue() : 0;
    }
}
