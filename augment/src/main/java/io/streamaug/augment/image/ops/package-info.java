/**
 * The image augmentation ops, one small final class each, all registered in
 * {@link io.streamaug.augment.image.ops.ImageOps}, and the policies over them (RandAugment,
 * TrivialAugmentWide, AutoAugment, AugMix). Geometry and filtering are OpenCV's; the tone ops do
 * torchvision's uint8 arithmetic in Java ({@code Uint8Math}) so that they give its bytes; the
 * policies' op sets and magnitude tables are in {@code AugmentationSpace}. Randomness comes only
 * from the generator each op's {@code sample} receives.
 */
package io.streamaug.augment.image.ops;
