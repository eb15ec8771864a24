package io.streamaug.augment.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaug.augment.image.DoubleRange;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** A node of a parsed spec with its YAML path, and typed readers whose errors name that path. */
public final class SpecNode {
    private final JsonNode node;
    private final String path;

    SpecNode(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    public String path() {
        return path;
    }

    JsonNode raw() {
        return node;
    }

    /** True when {@code key} holds a number. */
    public boolean isNumber(String key) {
        return has(key) && node.get(key).isNumber();
    }

    /** True when {@code key} holds text. */
    public boolean isText(String key) {
        return has(key) && node.get(key).isTextual();
    }

    /** True when {@code key} holds a list. */
    public boolean isList(String key) {
        return has(key) && node.get(key).isArray();
    }

    public boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public SpecNode get(String key) {
        if (!has(key)) {
            throw error(key, "is required");
        }
        return new SpecNode(node.get(key), childPath(key));
    }

    /** The elements of a list-valued key. */
    public List<SpecNode> list(String key) {
        SpecNode value = get(key);
        if (!value.node.isArray()) {
            throw new SpecException(value.path + ": must be a list");
        }
        List<SpecNode> items = new ArrayList<>();
        for (int i = 0; i < value.node.size(); i++) {
            items.add(new SpecNode(value.node.get(i), value.path + "[" + i + "]"));
        }
        return items;
    }

    /** Fails naming the first key not in {@code known}. */
    public void allowOnly(Set<String> known) {
        if (!node.isObject()) {
            throw new SpecException((path.isEmpty() ? "spec" : path) + ": must be a mapping of keys to values");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new SpecException(childPath(name) + ": unknown key (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    public double number(String key, double fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode value = node.get(key);
        if (!value.isNumber()) {
            throw error(key, "must be a number, got " + value);
        }
        return value.asDouble();
    }

    public double number(String key, double fallback, double lo, double hi) {
        double value = number(key, fallback);
        if (!(value >= lo && value <= hi)) {
            throw error(key, "must be in [" + lo + ", " + hi + "], got " + value);
        }
        return value;
    }

    public int integer(String key, int fallback, int lo, int hi) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode value = node.get(key);
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw error(key, "must be a whole number, got " + value);
        }
        int v = value.asInt();
        if (v < lo || v > hi) {
            throw error(key, "must be in [" + lo + ", " + hi + "], got " + v);
        }
        return v;
    }

    public boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode value = node.get(key);
        if (!value.isBoolean()) {
            throw error(key, "must be true or false, got " + value);
        }
        return value.asBoolean();
    }

    public long longValue(String key, long fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode value = node.get(key);
        if (!value.isIntegralNumber()) {
            throw error(key, "must be a whole number, got " + value);
        }
        return value.asLong();
    }

    public String text(String key, String fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode value = node.get(key);
        if (!value.isTextual()) {
            throw error(key, "must be text, got " + value);
        }
        return value.asText();
    }

    /** {@code [min, max]}, or one number x meaning [−x, x] when {@code symmetric}, else [x, x]. */
    public DoubleRange range(String key, DoubleRange fallback, boolean symmetric) {
        if (!has(key)) {
            if (fallback == null) {
                throw error(key, "is required ([min, max])");
            }
            return fallback;
        }
        JsonNode value = node.get(key);
        try {
            if (value.isNumber()) {
                double x = value.asDouble();
                return symmetric ? DoubleRange.of(-Math.abs(x), Math.abs(x)) : DoubleRange.of(x, x);
            }
            if (value.isArray() && value.size() == 2 && value.get(0).isNumber() && value.get(1).isNumber()) {
                return DoubleRange.of(value.get(0).asDouble(), value.get(1).asDouble());
            }
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage().replace(", got", " — got"));
        }
        throw error(key, "must be [min, max], got " + value);
    }

    /** {@code [height, width]} or one number for a square. */
    public int[] size(String key, int[] fallback) {
        if (!has(key)) {
            if (fallback == null) {
                throw error(key, "is required (N or [height, width])");
            }
            return fallback;
        }
        JsonNode value = node.get(key);
        if (value.isIntegralNumber() && value.asInt() > 0) {
            return new int[] {value.asInt(), value.asInt()};
        }
        if (value.isArray() && value.size() == 2 && value.get(0).isIntegralNumber() && value.get(1).isIntegralNumber()
                && value.get(0).asInt() > 0 && value.get(1).asInt() > 0) {
            return new int[] {value.get(0).asInt(), value.get(1).asInt()};
        }
        throw error(key, "must be a positive size N or [height, width], got " + value);
    }

    public <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
        String value = text(key, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.name().toLowerCase(Locale.ROOT));
            }
            throw error(key, "'" + value + "' is not one of " + String.join(", ", names));
        }
    }

    public SpecException error(String key, String message) {
        return new SpecException(childPath(key) + ": " + message);
    }

    public SpecException error(String message) {
        return new SpecException((path.isEmpty() ? "spec" : path) + ": " + message);
    }
}
