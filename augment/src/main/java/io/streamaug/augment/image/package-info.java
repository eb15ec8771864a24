/**
 * Image decoding (OpenCV; JPEGs through libjpeg-turbo's TurboJPEG where it is installed), augmentation
 * ops and the pipeline that turns an encoded image into a prepared tensor (OpenCV).
 */
package io.streamaug.augment.image;
