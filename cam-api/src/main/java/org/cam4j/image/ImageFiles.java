package org.cam4j.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.awt.image.DataBufferByte;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.cam4j.tensor.AtomicFiles;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/** Reading PNG, JPEG (also {@code .jfif}) and BMP images as RGB, and writing 8-bit RGB PNGs. */
public final class ImageFiles {
    /** File endings read as images. */
    public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "jfif", "bmp");

    private ImageFiles() {
    }

    /**
     * Whether the file's name ends in one of the {@link #EXTENSIONS} cam4j reads.
     *
     * @param file a file
     * @return whether cam4j reads it as an image
     */
    public static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1));
    }

    /**
     * Reads an image with the default limits: at most 250 megapixels, decoded to at most 16 megapixels.
     *
     * @param file the image file
     * @return its pixels
     */
    public static RgbImage read(Path file) {
        return read(file, DEFAULT_MAX_PIXELS, 0, 0);
    }

    /**
     * Reads an image as RGB. The size is checked from the file's header before any pixel is decoded: more than
     * {@code maxPixels} (width x height) is an error. Images over {@link #DECODE_PIXELS} are decoded subsampled by
     * an integer factor to at most that many pixels, but never below {@code minHeight} x {@code minWidth} (the
     * model's input), so a huge photo costs memory in proportion to what is used of it.
     *
     * @param file the image file
     * @param maxPixels the largest image accepted, in pixels (checked from the header)
     * @param minHeight the least height a subsampled decode keeps (the model input's)
     * @param minWidth the least width a subsampled decode keeps
     * @return its pixels
     */
    public static RgbImage read(Path file, long maxPixels, int minHeight, int minWidth) {
        return decoded(file, maxPixels, minHeight, minWidth).image();
    }

    /**
     * {@link #read(Path, long, int, int)} for an image file's bytes (an upload), named {@code name} in messages.
     *
     * @param bytes the file's content
     * @param name how messages call it
     * @param maxPixels the largest image accepted, in pixels (checked from the header)
     * @param minHeight the least height a subsampled decode keeps (the model input's)
     * @param minWidth the least width a subsampled decode keeps
     * @return its pixels
     */
    public static RgbImage read(byte[] bytes, String name, long maxPixels, int minHeight, int minWidth) {
        return decoded(bytes, name, maxPixels, minHeight, minWidth).image();
    }

    /**
     * A decoded image with the size of the file's own image: larger than the image when it was decoded
     * subsampled (over {@link #DECODE_PIXELS}), so that what is found on it can be reported in the file's pixels.
     */
    public record Decoded(RgbImage image, int sourceWidth, int sourceHeight) {
        /**
         * The file's pixels per decoded pixel, horizontally.
         *
         * @return the ratio, 1 when not subsampled
         */
        public double scaleX() {
            return (double) sourceWidth / image.width();
        }

        /**
         * The file's pixels per decoded pixel, vertically.
         *
         * @return the ratio, 1 when not subsampled
         */
        public double scaleY() {
            return (double) sourceHeight / image.height();
        }
    }

    /**
     * {@link #read(Path, long, int, int)} with the file's own image size.
     *
     * @param file the image file
     * @param maxPixels the largest image accepted, in pixels (checked from the header)
     * @param minHeight the least height a subsampled decode keeps (the model input's)
     * @param minWidth the least width a subsampled decode keeps
     * @return its pixels and the file's own size
     */
    public static Decoded decoded(Path file, long maxPixels, int minHeight, int minWidth) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("image " + file + " does not exist");
        }
        return decode(file.toFile(), file.toString(), maxPixels, minHeight, minWidth);
    }

    /**
     * {@link #read(byte[], String, long, int, int)} with the file's own image size.
     *
     * @param bytes the file's content
     * @param name how messages call it
     * @param maxPixels the largest image accepted, in pixels (checked from the header)
     * @param minHeight the least height a subsampled decode keeps (the model input's)
     * @param minWidth the least width a subsampled decode keeps
     * @return its pixels and the file's own size
     */
    public static Decoded decoded(byte[] bytes, String name, long maxPixels, int minHeight, int minWidth) {
        return decode(new java.io.ByteArrayInputStream(bytes), name, maxPixels, minHeight, minWidth);
    }

    private static Decoded decode(Object source, String file, long maxPixels, int minHeight, int minWidth) {
        BufferedImage img;
        long w;
        long h;
        try (ImageInputStream in = ImageIO.createImageInputStream(source)) {
            Iterator<ImageReader> readers = in == null ? java.util.Collections.emptyIterator()
                    : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new Refused("cannot read image " + file + ": not a supported image; supported"
                        + " formats: " + String.join(", ", EXTENSIONS));
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                w = reader.getWidth(0);
                h = reader.getHeight(0);
                if (w * h > maxPixels) {
                    throw new Refused(String.format(Locale.ROOT, "image %s is %d x %d (%.0f"
                            + " megapixels), above the limit of %.0f megapixels; raise max_pixels", file,
                            w, h, w * h / 1e6, maxPixels / 1e6)).naming("max_pixels");
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(w, h, minHeight, minWidth);
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                List<String> truncated = new java.util.ArrayList<>();
                // a truncated JPEG decodes to a grey lower part with only a warning: a damaged image, not a photo
                reader.addIIOReadWarningListener((r, warning) -> {
                    if (warning != null && warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                        truncated.add(warning);
                    }
                });
                img = reader.read(0, param);
                if (!truncated.isEmpty()) {
                    throw new Refused("cannot read image " + file + ": the file is truncated (" + truncated.get(0)
                            + "); copy it again");
                }
            } finally {
                reader.dispose();
            }
        } catch (Refused e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot read image " + file + " (" + e.getMessage()
                    + "); supported formats: " + String.join(", ", EXTENSIONS), e);
        } catch (OutOfMemoryError e) {
            throw new InvalidInputException("image " + file + " is too large to decode in this JVM's memory;"
                    + " lower max_pixels or give Java more memory (-Xmx)").naming("max_pixels");
        }
        return new Decoded(fromImage(img), (int) w, (int) h);
    }

    /** Decoded images larger than this many pixels are subsampled (16 megapixels, 192 MB as floats). */
    public static final long DECODE_PIXELS = 16_000_000L;
    /** The default limit of an image's pixel count, checked from its header. */
    public static final long DEFAULT_MAX_PIXELS = 250_000_000L;

    /** The integer subsampling step that brings w x h to at most DECODE_PIXELS, kept above the minimum size. */
    static int subsampling(long w, long h, int minHeight, int minWidth) {
        int step = 1;
        while (ceilDiv(w, step) * ceilDiv(h, step) > DECODE_PIXELS
                && ceilDiv(w, step + 1) >= Math.max(1, minWidth) && ceilDiv(h, step + 1) >= Math.max(1, minHeight)) {
            step++;
        }
        return step;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** b / 255f for every byte value b: a lookup instead of a division per sample. */
    private static final float[] UNIT = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            UNIT[b] = b / 255f;
        }
    }

    /**
     * A picture already in memory (any {@link BufferedImage} type) as an RGB image in [0, 1].
     *
     * @param img the picture
     * @return its pixels
     */
    public static RgbImage fromImage(BufferedImage img) {
        return new RgbImage(Tensor.of(rgbFloats(img), img.getHeight(), img.getWidth(), 3));
    }

    /** The pixels as h x w x 3 floats in [0, 1], read by rows from the image's own raster where it is 8-bit RGB. */
    private static float[] rgbFloats(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        float[] rgb = new float[h * w * 3];
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR
                && img.getRaster().getDataBuffer() instanceof DataBufferByte bytes
                && bytes.getNumBanks() == 1 && img.getRaster().getParent() == null) {
            byte[] bgr = bytes.getData();
            for (int i = 0; i < h * w; i++) {
                rgb[i * 3] = UNIT[bgr[i * 3 + 2] & 0xff];
                rgb[i * 3 + 1] = UNIT[bgr[i * 3 + 1] & 0xff];
                rgb[i * 3 + 2] = UNIT[bgr[i * 3] & 0xff];
            }
            return rgb;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int i = (y * w + x) * 3;
                rgb[i] = ((p >> 16) & 0xff) / 255f;
                rgb[i + 1] = ((p >> 8) & 0xff) / 255f;
                rgb[i + 2] = (p & 0xff) / 255f;
            }
        }
        return rgb;
    }

    /** An image refused before decoding (unsupported or too large): its message is already the user's. */
    private static final class Refused extends InvalidInputException {
        Refused(String message) {
            super(message);
        }
    }

    /** JPEG quality of overlays (0..1). */
    static final float JPEG_QUALITY = 0.92f;

    /**
     * Writes an H x W x 3 tensor of 0..255 values as an RGB PNG ({@link PngWriter}: fast, Sub filter), atomically.
     *
     * @param file where to write
     * @param rgb255 the picture, H x W x 3, 0..255
     */
    public static void writePng(Path file, Tensor rgb255) {
        AtomicFiles.write(file, png(rgb255));
    }

    /**
     * The PNG file of an H x W x 3 tensor of 0..255 values, as bytes.
     *
     * @param rgb255 the picture, H x W x 3, 0..255
     * @return the file's bytes
     */
    public static byte[] png(Tensor rgb255) {
        int h = rgb255.dim(0);
        int w = rgb255.dim(1);
        byte[] rgb = new byte[h * w * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) clamp(rgb255.at(i));
        }
        return PngWriter.encode(rgb, h, w);
    }

    /**
     * Writes an H x W x 3 tensor of 0..255 values as a baseline RGB JPEG (quality 0.92), atomically.
     *
     * @param file where to write
     * @param rgb255 the picture, H x W x 3, 0..255
     */
    public static void writeJpeg(Path file, Tensor rgb255) {
        AtomicFiles.write(file, jpeg(rgb255));
    }

    /**
     * The baseline RGB JPEG (quality 0.92) of an H x W x 3 tensor of 0..255 values, as bytes.
     *
     * @param rgb255 the picture, H x W x 3, 0..255
     * @return the file's bytes
     */
    public static byte[] jpeg(Tensor rgb255) {
        BufferedImage img = toImage(rgb255);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * An 8-bit RGB image (3 bytes per pixel) from an H x W x 3 tensor of 0..255 values (an overlay).
     *
     * @param rgb255 the picture, H x W x 3, 0..255
     * @return the image
     */
    public static BufferedImage toImage(Tensor rgb255) {
        int h = rgb255.dim(0);
        int w = rgb255.dim(1);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int p = 0; p < h * w; p++) {
            bgr[p * 3] = (byte) clamp(rgb255.at(p * 3 + 2));
            bgr[p * 3 + 1] = (byte) clamp(rgb255.at(p * 3 + 1));
            bgr[p * 3 + 2] = (byte) clamp(rgb255.at(p * 3));
        }
        return img;
    }

    private static int clamp(float v) {
        return Math.max(0, Math.min(255, (int) v));
    }
}
