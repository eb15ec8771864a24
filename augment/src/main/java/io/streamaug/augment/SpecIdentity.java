package io.streamaug.augment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which spec made a record: its name (a bundled spec's name, or the file's name without
 * {@code .yaml}) and the SHA-256 of its YAML text, so that two edits of one file are told apart.
 * Workers stamp it on prepared records ({@code streamaug.spec} header: {@code NAME@sha256:HEX}, the
 * first 16 hex digits of the hash: 64 bits tell specs apart, and a header on every record stays
 * short), and trainers keep it in their checkpoints' provenance.
 */
public record SpecIdentity(String name, String sha256) {
    /** A spec built in code, not read from YAML. */
    public static final SpecIdentity INLINE = new SpecIdentity("inline", "");

    /** The identity of {@code yaml} read from {@code source} ("bundled spec NAME" or a file path). */
    public static SpecIdentity of(String yaml, String source) {
        String name = source.startsWith("bundled spec ") ? source.substring("bundled spec ".length())
                : Path.of(source).getFileName().toString().replaceFirst("\\.ya?ml$", "");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(StandardCharsets.UTF_8));
            return new SpecIdentity(name, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** Hex digits of the hash the header carries. */
    public static final int SHORT_HASH = 16;

    /** {@code NAME@sha256:HEX} with the hash's first {@link #SHORT_HASH} hex digits, as the header carries it. */
    @Override
    public String toString() {
        return sha256.isEmpty() ? name : name + "@sha256:" + sha256.substring(0, SHORT_HASH);
    }
}
