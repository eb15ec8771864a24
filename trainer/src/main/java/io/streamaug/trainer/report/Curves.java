package io.streamaug.trainer.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training curves from a metrics file, as one PNG: loss (train, smoothed over windows of steps,
 * and val) and accuracy (train, on the batches the trainer scored, and val) against the step. The
 * legends sit under the plots, where they hide no curve; the train loss's says what it includes.
 */
public final class Curves {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // ImageIO's default file cache registers a shutdown hook per stream, which throws once the JVM
        // is shutting down: the last curves of a trainer stopped with Ctrl-C could not be written.
        javax.imageio.ImageIO.setUseCache(false);
    }

    private Curves() {
    }

    /** As {@link #write(Path, Path, String)} without a note on the train loss. */
    public static boolean write(Path metrics, Path png) {
        return write(metrics, png, "");
    }

    /**
     * Writes {@code png} from {@code metrics}; returns false when there is nothing to plot yet.
     *
     * @param trainLossNote what the train loss includes (label smoothing, regularisation, dropout)
     */
    public static boolean write(Path metrics, Path png, String trainLossNote) {
        List<JsonNode> lines;
        try {
            lines = MetricsLog.read(metrics);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<double[]> loss = new ArrayList<>();
        List<double[]> acc = new ArrayList<>();
        List<double[]> valLoss = new ArrayList<>();
        List<double[]> valAcc = new ArrayList<>();
        for (JsonNode line : lines) {
            double step = line.path("step").asDouble();
            if ("step".equals(line.path("type").asText())) {
                loss.add(new double[] {step, line.path("loss").asDouble()});
                if (line.has("train_acc")) {
                    acc.add(new double[] {step, line.path("train_acc").asDouble()});
                }
            } else if ("eval".equals(line.path("type").asText()) && line.path("val_total").asLong() > 0) {
                valLoss.add(new double[] {step, line.path("val_loss").asDouble()});
                valAcc.add(new double[] {step, line.path("val_acc").asDouble()});
            }
        }
        if (loss.isEmpty()) {
            return false;
        }
        int window = Math.max(1, loss.size() / 200);
        XYChart lossChart = chart("Loss", "loss");
        add(lossChart, wrap("train, mean of " + window + " steps" + (trainLossNote.isEmpty() ? "" : ": " + trainLossNote), 70),
                smooth(loss, window));
        add(lossChart, "val: cross-entropy, inference mode (no dropout, no penalty)", valLoss);
        XYChart accChart = chart("Accuracy", "accuracy");
        add(accChart, "train (scored batches, mean of " + Math.max(1, acc.size() / 200) + ")",
                smooth(acc, Math.max(1, acc.size() / 200)));
        add(accChart, "val", valAcc);
        try {
            BitmapEncoder.saveBitmap(List.of(lossChart, accChart), 1, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
        return true;
    }

    /** {@code text} on lines of at most about {@code width} characters (XChart draws a legend entry's lines). */
    static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        for (String word : text.split(" ")) {
            if (out.length() > lineStart && out.length() - lineStart + 1 + word.length() > width) {
                out.append('\n');
                lineStart = out.length();
            } else if (out.length() > lineStart) {
                out.append(' ');
            }
            out.append(word);
        }
        return out.toString();
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(640).height(460).title(title).xAxisTitle("step").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Vertical);
        chart.getStyler().setMarkerSize(5);
        return chart;
    }

    private static void add(XYChart chart, String name, List<double[]> points) {
        if (points.isEmpty()) {
            return;
        }
        double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(points.size() > 40 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    }

    private static List<double[]> smooth(List<double[]> points, int window) {
        if (window <= 1) {
            return points;
        }
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i + window <= points.size(); i += window) {
            double sum = 0;
            for (int j = i; j < i + window; j++) {
                sum += points.get(j)[1];
            }
            out.add(new double[] {points.get(i + window - 1)[0], sum / window});
        }
        return out;
    }
}
