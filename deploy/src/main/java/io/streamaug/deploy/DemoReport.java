package io.streamaug.deploy;

import io.streamaug.trainer.eval.Evaluator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The demo report's {@code index.html}: one self-contained page that ties the run's files together. */
final class DemoReport {
    private DemoReport() {
    }

    static String html(String title, Map<String, Object> results, Map<String, Object> throughput, List<String> classes,
            Evaluator.Evaluation test, String preview, String spec) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>streamaug demo — ")
                .append(escape(title)).append("</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}")
                .append("th{background:#f3f3f3}td.l,th.l{text-align:left}img{max-width:100%;border:1px solid #ddd}")
                .append("pre{background:#f7f7f7;padding:1em;overflow-x:auto}</style></head><body>\n");
        h.append("<h1>streamaug demo — ").append(escape(title)).append("</h1>\n");
        h.append(String.format(Locale.ROOT, "<p><b>Test accuracy %.4f</b> on %d samples of the test split (val %.4f; "
                + "chance 1/%d = %.4f); data-wait fraction %.1f %%; %s records produced, %s dead-lettered.</p>%n",
                number(results.get("test_accuracy")), test.total(), number(results.get("val_accuracy")), classes.size(),
                1.0 / classes.size(), 100 * number(results.get("data_wait_fraction")), results.get("records_produced"),
                results.get("dead_letters")));
        h.append("<p>Dataset: <b>").append(escape(String.valueOf(results.get("dataset")))).append("</b>, ")
                .append(classes.size()).append(" classes");
        if (results.get("dataset_source") != null) {
            h.append("; ").append(escape(String.valueOf(results.get("dataset_source"))));
        }
        h.append(".");
        if ("photos".equals(results.get("dataset"))) {
            h.append(" The photo set that <code>bench/photos/make_photo_set.py</code> makes (what <code>--photos</code> "
                    + "uses by default) is JPEG crops, about 500×375, of real photographs — Debian's wallpaper "
                    + "photographs and scikit-image's — one class per source photograph: the model tells which "
                    + "photograph a crop was cut from.");
        }
        h.append("</p>\n");

        h.append("<h2>Throughput per stage</h2>\n<table><tr><th class=\"l\">stage</th><th>per second</th></tr>\n");
        throughput.forEach((k, v) -> h.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td>%,.0f</td></tr>%n",
                escape(k.replace('_', ' ')), number(v))));
        h.append("</table>\n<p>Augment: all input records over the time from the workers' start until they had "
                + "caught up; they share the machine with the broker and the trainer.</p>\n");

        h.append("<h2>Augmentation</h2>\n");
        if (preview.endsWith(".png")) {
            h.append("photos".equals(results.get("dataset"))
                    ? "<p>Each photograph whole, as decoded, beside the crops three epochs of training draw from it (spec <a href=\"spec.yaml\">"
                    : "<p>Originals beside their augmented versions (spec <a href=\"spec.yaml\">").append(escape(spec))
                    .append("</a>):</p><img src=\"").append(preview).append("\" alt=\"preview grid\">\n");
        } else {
            h.append("<p>Texts and their EDA variants (spec <a href=\"spec.yaml\">").append(escape(spec))
                    .append("</a>): <a href=\"").append(preview).append("\">").append(preview).append("</a></p>\n");
        }

        h.append("<h2>Training</h2>\n<table>")
                .append(row("command", "<code>" + escape(String.valueOf(results.get("command"))) + "</code>"))
                .append(row("model and recipe", escape(String.valueOf(results.get("model")))))
                .append(row("records trained", escape(String.valueOf(results.get("records_trained")))))
                .append(row("loss", String.format(Locale.ROOT, "%.3f at the first step (of which cross-entropy %.3f; "
                        + "ln(C) = %.3f) → %.3f at the last. The train loss is the %s; the val loss is "
                        + "the cross-entropy alone, in inference mode", number(results.get("loss_first")),
                        number(results.get("loss_first_cross_entropy")), Math.log(classes.size()),
                        number(results.get("loss_last")), escape(String.valueOf(results.get("train_loss_includes"))))))
                .append("</table>\n");
        h.append("<img src=\"run/curves.png\" alt=\"training curves\">\n")
                .append("<p>Per-step metrics: <a href=\"run/metrics.jsonl\">run/metrics.jsonl</a>; trainer config: ")
                .append("<a href=\"trainer-config.json\">trainer-config.json</a>; results: ")
                .append("<a href=\"results.json\">results.json</a>.</p>\n");

        h.append("<h2>Test set: confusion matrix</h2>\n<p>Rows: true class; columns: predicted; last column: accuracy of "
                + "the class.</p>\n<table><tr><th class=\"l\">true \\ predicted</th>");
        for (int c = 0; c < classes.size(); c++) {
            h.append("<th title=\"").append(escape(classes.get(c))).append("\">").append(c).append("</th>");
        }
        h.append("<th>accuracy</th></tr>\n");
        long[][] m = test.confusion();
        double[] perClass = test.perClassAccuracy();
        for (int t = 0; t < classes.size(); t++) {
            long rowTotal = 0;
            for (long v : m[t]) {
                rowTotal += v;
            }
            h.append("<tr><td class=\"l\">").append(t).append(" ").append(escape(classes.get(t))).append("</td>");
            for (int p = 0; p < classes.size(); p++) {
                double share = rowTotal == 0 ? 0 : (double) m[t][p] / rowTotal;
                int shade = 255 - (int) Math.round(share * 155);
                String colour = t == p ? String.format("rgb(%d,255,%d)", shade, shade) : String.format("rgb(255,%d,%d)", shade, shade);
                h.append("<td style=\"background:").append(colour).append("\">").append(m[t][p]).append("</td>");
            }
            h.append(String.format(Locale.ROOT, "<td>%.3f</td></tr>%n", perClass[t]));
        }
        h.append("</table>\n<p>As text: <a href=\"test-evaluation.txt\">test-evaluation.txt</a>.</p>\n");
        h.append("<p style=\"color:#777\">Made by <code>./streamaug demo</code>. Reproduce with the same flags; "
                + "see docs/benchmarks.md.</p>\n</body></html>\n");
        return h.toString();
    }

    private static String row(String name, String html) {
        return "<tr><th class=\"l\">" + name + "</th><td class=\"l\">" + html + "</td></tr>\n";
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
