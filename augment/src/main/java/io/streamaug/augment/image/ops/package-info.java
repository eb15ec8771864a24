/**
 * The image augmentation ops, one small final class each, all registered in
 * {@link io.streamaug.augment.image.ops.ImageOps}. Pixel work is OpenCV's; randomness comes only
 * from the generator each op's {@code sample} receives.
 */
package io.streamaug.augment.image.ops;
