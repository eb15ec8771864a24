package io.streamaug.augment.image;

import org.opencv.core.Core;

/** How geometric ops fill pixels that come from outside the image. */
public enum BorderMode {
    /** The op's {@code fill} value (torchvision's default). */
    CONSTANT(Core.BORDER_CONSTANT),
    REFLECT(Core.BORDER_REFLECT_101),
    REPLICATE(Core.BORDER_REPLICATE),
    WRAP(Core.BORDER_WRAP);

    private final int flag;

    BorderMode(int flag) {
        this.flag = flag;
    }

    public int flag() {
        return flag;
    }
}
