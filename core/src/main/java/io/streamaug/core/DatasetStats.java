package io.streamaug.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Per-channel count, mean and sum of squared deviations (M2) of pixel values on the 0..1 scale,
 * merged with Chan et al.'s parallel update, so partial statistics (one per partition) combine in
 * any order; published as a versioned record to {@link Topics#STATS} (key = dataset).
 */
public record DatasetStats(
        @JsonProperty("dataset") String dataset,
        @JsonProperty("version") long version,
        @JsonProperty("count") long[] count,
        @JsonProperty("mean") double[] mean,
        @JsonProperty("m2") double[] m2,
        @JsonProperty("images") long images) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Empty statistics over {@code channels} channels. */
    public static DatasetStats empty(String dataset, int channels) {
        return new DatasetStats(dataset, 0, new long[channels], new double[channels], new double[channels], 0);
    }

    public int channels() {
        return count.length;
    }

    /** Population standard deviation per channel. */
    @com.fasterxml.jackson.annotation.JsonProperty("std")
    public double[] std() {
        double[] std = new double[count.length];
        for (int c = 0; c < std.length; c++) {
            std[c] = count[c] == 0 ? 0 : Math.sqrt(m2[c] / count[c]);
        }
        return std;
    }

    /**
     * Adds one image given as 8-bit pixels in H×W×C order: its own mean and M2 are computed exactly
     * in two passes, then merged (Chan et al.), which keeps the error independent of the dataset size.
     */
    public DatasetStats addImage(byte[] hwc, int channels) {
        if (channels != channels()) {
            throw new IllegalArgumentException("image has " + channels + " channels, statistics have " + channels());
        }
        int n = hwc.length / channels;
        long[] newCount = count.clone();
        double[] newMean = mean.clone();
        double[] newM2 = m2.clone();
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int i = c; i < hwc.length; i += channels) {
                sum += (hwc[i] & 0xff) / 255.0;
            }
            double imageMean = sum / n;
            double imageM2 = 0;
            for (int i = c; i < hwc.length; i += channels) {
                double d = (hwc[i] & 0xff) / 255.0 - imageMean;
                imageM2 += d * d;
            }
            merge(newCount, newMean, newM2, c, n, imageMean, imageM2);
        }
        return new DatasetStats(dataset, version, newCount, newMean, newM2, images + 1);
    }

    /** These statistics and {@code other}'s together; the order of merging does not matter. */
    public DatasetStats merge(DatasetStats other) {
        if (other.channels() != channels()) {
            throw new IllegalArgumentException("cannot merge statistics over " + channels() + " and " + other.channels() + " channels");
        }
        long[] newCount = count.clone();
        double[] newMean = mean.clone();
        double[] newM2 = m2.clone();
        for (int c = 0; c < channels(); c++) {
            merge(newCount, newMean, newM2, c, other.count[c], other.mean[c], other.m2[c]);
        }
        return new DatasetStats(dataset, version, newCount, newMean, newM2, images + other.images);
    }

    private static void merge(long[] count, double[] mean, double[] m2, int c, long nb, double meanB, double m2B) {
        if (nb == 0) {
            return;
        }
        long na = count[c];
        long n = na + nb;
        double delta = meanB - mean[c];
        mean[c] += delta * nb / n;
        m2[c] += m2B + delta * delta * ((double) na * nb / n);
        count[c] = n;
    }

    public DatasetStats withVersion(long newVersion) {
        return new DatasetStats(dataset, newVersion, count, mean, m2, images);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DatasetStats fromJson(byte[] json) {
        try {
            return JSON.readerFor(DatasetStats.class).without(
                    com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a statistics record: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatasetStats s && dataset.equals(s.dataset) && version == s.version && images == s.images
                && Arrays.equals(count, s.count) && Arrays.equals(mean, s.mean) && Arrays.equals(m2, s.m2);
    }

    @Override
    public int hashCode() {
        return dataset.hashCode() * 31 + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "DatasetStats[" + dataset + " v" + version + ", " + images + " images, mean " + Arrays.toString(mean)
                + ", std " + Arrays.toString(std()) + "]";
    }
}
