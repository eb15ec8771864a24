package io.streamaug.core.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.core.Split;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes and decodes prepared records, layout version 1 (docs/wire-format.md). All integers are
 * little-endian. Decoding checks every length against the bytes that remain before it allocates,
 * so hostile input yields a {@link MalformedRecordException}, never an OutOfMemoryError.
 */
public final class PreparedCodec {
    /** "SAUG". */
    public static final byte[] MAGIC = {'S', 'A', 'U', 'G'};
    public static final int VERSION = 1;
    static final int HEADER_BYTES = 24;
    static final int KIND_TENSOR = 1;
    static final int KIND_TEXT = 2;
    static final int LABEL_NONE = 0;
    static final int LABEL_INDEX = 1;
    static final int LABEL_SOFT = 2;

    /** Nested maps, too, are written in key order (see {@link OpTrace}). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final TypeReference<List<Map<String, Object>>> TRACE_TYPE = new TypeReference<>() {
    };

    private PreparedCodec() {
    }

    /** The encoded record. */
    public static byte[] encode(PreparedSample sample) {
        byte[] id = utf8(sample.id());
        byte[] dataset = utf8(sample.dataset());
        if (id.length > 0xffff || dataset.length > 0xffff) {
            throw new IllegalArgumentException("sample id and dataset name must be at most 65535 UTF-8 bytes");
        }
        byte[] trace = traceJson(sample.trace());
        int size = HEADER_BYTES + 2 + id.length + 2 + dataset.length + labelBytes(sample.label())
                + payloadBytes(sample.payload()) + 4 + trace.length;
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) VERSION)
                .put((byte) (sample.payload() instanceof Tensor ? KIND_TENSOR : KIND_TEXT))
                .put((byte) sample.split().code())
                .put((byte) labelKind(sample.label()))
                .putInt(sample.epoch())
                .putInt(sample.repeat())
                .putLong(sample.statsVersion());
        out.putShort((short) id.length).put(id);
        out.putShort((short) dataset.length).put(dataset);
        if (sample.label() instanceof Label.Hard hard) {
            out.putInt(hard.index());
        } else if (sample.label() instanceof Label.Soft soft) {
            float[] weights = soft.weights();
            if (weights.length > 0xffff) {
                throw new IllegalArgumentException("soft label has more than 65535 classes");
            }
            out.putShort((short) weights.length);
            for (float w : weights) {
                out.putFloat(w);
            }
        }
        if (sample.payload() instanceof Tensor t) {
            out.put((byte) t.dtype().code()).put((byte) 3)
                        .putInt(t.channels()).putInt(t.height()).putInt(t.width());
                if (t.dtype() == Dtype.UINT8) {
                    for (float s : t.scale()) {
                        out.putFloat(s);
                    }
                    for (float o : t.offset()) {
                        out.putFloat(o);
                    }
                }
                out.putInt(t.rawData().length).put(t.rawData());
        } else {
            byte[] bytes = utf8(((Text) sample.payload()).text());
            out.putInt(bytes.length).put(bytes);
        }
        out.putInt(trace.length).put(trace);
        return out.array();
    }

    /**
     * Decodes one record.
     *
     * @throws MalformedRecordException naming the problem (truncated, bad magic, unknown version, …)
     */
    public static PreparedSample decode(byte[] bytes) {
        if (bytes == null) {
            throw new MalformedRecordException("prepared record is null (a tombstone?)");
        }
        for (int i = 0; i < Math.min(MAGIC.length, bytes.length); i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new MalformedRecordException("not a prepared record: magic is not 'SAUG'");
            }
        }
        if (bytes.length < HEADER_BYTES) {
            throw new MalformedRecordException("prepared record truncated: " + bytes.length
                    + " bytes, the header alone is " + HEADER_BYTES);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        in.position(MAGIC.length);
        try {
            int version = in.get() & 0xff;
            if (version != VERSION) {
                throw new MalformedRecordException("prepared record version " + version
                        + " is not supported (this reader knows version " + VERSION + ")");
            }
            int kind = in.get() & 0xff;
            if (kind != KIND_TENSOR && kind != KIND_TEXT) {
                throw new MalformedRecordException("unknown payload kind " + kind + " (1 tensor, 2 text)");
            }
            Split split;
            try {
                split = Split.fromCode(in.get() & 0xff);
            } catch (IllegalArgumentException e) {
                throw new MalformedRecordException(e.getMessage());
            }
            int labelKind = in.get() & 0xff;
            int epoch = nonNegative(in.getInt(), "epoch");
            int repeat = nonNegative(in.getInt(), "repeat");
            long statsVersion = in.getLong();
            String id = string(in, in.getShort() & 0xffff, "sample id");
            String dataset = string(in, in.getShort() & 0xffff, "dataset");
            Label label = switch (labelKind) {
                case LABEL_NONE -> Label.none();
                case LABEL_INDEX -> new Label.Hard(nonNegative(in.getInt(), "label index"));
                case LABEL_SOFT -> soft(in);
                default -> throw new MalformedRecordException("unknown label kind " + labelKind
                        + " (0 none, 1 index, 2 soft)");
            };
            Payload payload = kind == KIND_TENSOR ? tensor(in) : new Text(string(in, length(in, "text"), "text"));
            List<OpTrace> trace = trace(string(in, length(in, "trace"), "trace"));
            if (in.hasRemaining()) {
                throw new MalformedRecordException(in.remaining() + " unexpected bytes after the end of the record");
            }
            return new PreparedSample(id, dataset, split, epoch, repeat, statsVersion,
                    payload, label, trace);
        } catch (BufferUnderflowException e) {
            throw new MalformedRecordException("prepared record truncated at byte " + in.position()
                    + " of " + bytes.length);
        }
    }

    private static Label soft(ByteBuffer in) {
        int n = in.getShort() & 0xffff;
        require(in, (long) n * 4, "soft label of " + n + " classes");
        float[] weights = new float[n];
        for (int i = 0; i < n; i++) {
            weights[i] = in.getFloat();
        }
        try {
            return new Label.Soft(weights);
        } catch (IllegalArgumentException e) {
            throw new MalformedRecordException(e.getMessage());
        }
    }

    private static Tensor tensor(ByteBuffer in) {
        Dtype dtype = Dtype.fromCode(in.get() & 0xff);
        int ndim = in.get() & 0xff;
        if (ndim != 3) {
            throw new MalformedRecordException("tensor must have 3 dimensions (C,H,W), got " + ndim);
        }
        int channels = in.getInt();
        int height = in.getInt();
        int width = in.getInt();
        if (channels < 1 || height < 1 || width < 1) {
            throw new MalformedRecordException("tensor shape must be positive, got ("
                    + Integer.toUnsignedString(channels) + ", " + Integer.toUnsignedString(height) + ", "
                    + Integer.toUnsignedString(width) + ")");
        }
        float[] scale = new float[0];
        float[] offset = new float[0];
        if (dtype == Dtype.UINT8) {
            require(in, (long) channels * 8, "uint8 scale and offset for " + channels + " channels");
            scale = new float[channels];
            offset = new float[channels];
            for (int c = 0; c < channels; c++) {
                scale[c] = in.getFloat();
            }
            for (int c = 0; c < channels; c++) {
                offset[c] = in.getFloat();
            }
        }
        int length = length(in, "tensor data");
        long expected = (long) channels * height * width * dtype.bytes();
        if (expected != length) {
            throw new MalformedRecordException("tensor shape (" + channels + ", " + height + ", " + width + ") "
                    + dtype + " needs " + expected + " bytes but the payload has " + length);
        }
        byte[] data = new byte[length];
        in.get(data);
        return Tensor.fromWire(dtype, channels, height, width, data, scale, offset);
    }

    /** Reads a u32 length and checks that that many bytes remain. */
    private static int length(ByteBuffer in, String what) {
        long length = Integer.toUnsignedLong(in.getInt());
        require(in, length, what);
        return (int) length;
    }

    private static void require(ByteBuffer in, long length, String what) {
        if (length > in.remaining()) {
            throw new MalformedRecordException(what + " claims " + length + " bytes but only "
                    + in.remaining() + " remain");
        }
    }

    private static String string(ByteBuffer in, int length, String what) {
        require(in, length, what);
        ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new MalformedRecordException(what + " is not valid UTF-8");
        }
    }

    private static int nonNegative(int value, String what) {
        if (value < 0) {
            throw new MalformedRecordException(what + " " + Integer.toUnsignedString(value) + " is out of range");
        }
        return value;
    }

    private static List<OpTrace> trace(String json) {
        if (json.isEmpty()) {
            return List.of();
        }
        try {
            List<Map<String, Object>> entries = JSON.readValue(json, TRACE_TYPE);
            List<OpTrace> trace = new ArrayList<>(entries.size());
            for (Map<String, Object> entry : entries) {
                Object op = entry.get("op");
                Object params = entry.getOrDefault("params", Map.of());
                if (!(op instanceof String name) || !(params instanceof Map<?, ?> map)) {
                    throw new MalformedRecordException("trace entry needs a string 'op' and an object 'params': "
                            + entry);
                }
                Map<String, Object> typed = new LinkedHashMap<>();
                map.forEach((k, v) -> typed.put(String.valueOf(k), v));
                trace.add(new OpTrace(name, typed));
            }
            return trace;
        } catch (JsonProcessingException e) {
            throw new MalformedRecordException("trace is not a JSON list of ops: " + e.getOriginalMessage());
        }
    }

    /**
     * The trace as JSON, written with a streaming generator: a worker writes one per record, and
     * binding a list of maps through the object mapper cost about a tenth of a worker's Java time.
     */
    private static byte[] traceJson(List<OpTrace> trace) {
        if (trace.isEmpty()) {
            return new byte[0];
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(64 * trace.size());
        try (JsonGenerator out = JSON.getFactory().createGenerator(bytes)) {
            out.writeStartArray();
            for (OpTrace t : trace) {
                out.writeStartObject();
                out.writeStringField("op", t.op());
                out.writeObjectFieldStart("params");
                for (Map.Entry<String, Object> p : t.params().entrySet()) {
                    out.writeFieldName(p.getKey());
                    writeValue(out, p.getValue());
                }
                out.writeEndObject();
                out.writeEndObject();
            }
            out.writeEndArray();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("trace parameters must be JSON values: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    private static void writeValue(JsonGenerator out, Object value) throws java.io.IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof Double d) {
            out.writeNumber(d);
        } else if (value instanceof Float f) {
            out.writeNumber(f);
        } else if (value instanceof Integer i) {
            out.writeNumber(i);
        } else if (value instanceof Long l) {
            out.writeNumber(l);
        } else if (value instanceof Boolean b) {
            out.writeBoolean(b);
        } else if (value instanceof String str) {
            out.writeString(str);
        } else if (value instanceof List<?> list) {
            out.writeStartArray();
            for (Object item : list) {
                writeValue(out, item);
            }
            out.writeEndArray();
        } else {
            out.writeObject(value); // anything else the object mapper knows (e.g. other numbers, arrays)
        }
    }

    private static int labelKind(Label label) {
        if (label instanceof Label.Hard) {
            return LABEL_INDEX;
        }
        return label instanceof Label.Soft ? LABEL_SOFT : LABEL_NONE;
    }

    private static int labelBytes(Label label) {
        if (label instanceof Label.Hard) {
            return 4;
        }
        return label instanceof Label.Soft soft ? 2 + 4 * soft.weights().length : 0;
    }

    private static int payloadBytes(Payload payload) {
        if (payload instanceof Tensor t) {
            return 2 + 12 + (t.dtype() == Dtype.UINT8 ? 8 * t.channels() : 0) + 4 + t.rawData().length;
        }
        return 4 + utf8(((Text) payload).text()).length;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
