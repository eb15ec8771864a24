package io.streamaug.worker.produce;

import io.streamaug.core.Split;

/** One raw record to send: id, encoded image, class index, split and content type. */
record RawImage(String id, byte[] encoded, int label, Split split, String contentType) {
}
