package io.streamaug.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * What a dataset is, as published to {@link Topics#DATASETS} (key = name, value = this as JSON):
 * its class names in index order, its channel count (0 for text) and the image size its producer
 * wrote (0 = images of varying size, or text).
 */
public record DatasetInfo(
        @JsonProperty("name") String name,
        @JsonProperty("classes") List<String> classes,
        @JsonProperty("channels") int channels,
        @JsonProperty("height") int height,
        @JsonProperty("width") int width) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public DatasetInfo {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("dataset name must not be empty");
        }
        if (classes == null || classes.isEmpty()) {
            throw new IllegalArgumentException("dataset '" + name + "' needs at least one class name");
        }
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("dataset '" + name + "': channels must be 0 (text), 1 or 3, got " + channels);
        }
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("dataset '" + name + "': height and width must be ≥ 0");
        }
        classes = List.copyOf(classes);
    }

    /**
     * The class index of a {@code label} header: a class name of this dataset (case-insensitive)
     * or an index in range.
     *
     * @throws IllegalArgumentException when the label is neither
     */
    public int classIndex(String label) {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("record has no label header");
        }
        String trimmed = label.trim();
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i).equalsIgnoreCase(trimmed)) {
                return i;
            }
        }
        try {
            int index = Integer.parseInt(trimmed);
            if (index >= 0 && index < classes.size()) {
                return index;
            }
        } catch (NumberFormatException ignored) {
            // not a number either: fall through to the error
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "label '%s' is not a class of dataset '%s' (0..%d or one of %s)",
                label, name, classes.size() - 1, classes));
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DatasetInfo fromJson(byte[] json) {
        try {
            return JSON.readValue(json, DatasetInfo.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a dataset definition: " + e.getMessage(), e);
        }
    }
}
