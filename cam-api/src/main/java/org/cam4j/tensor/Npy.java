package org.cam4j.tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cam4j.errors.InvalidInputException;

/**
 * numpy {@code .npy} files (format versions 1 to 3, C order).
 *
 * <p>Reads float32, float16, float64, int64, int32 and uint8 into a float {@link Tensor}; writes float32,
 * float16 and int64. Writes go to a temporary file that is renamed into place, so a failed write never leaves a
 * half-written file behind.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Element types this class writes. */
    public enum DType {
        /** Little-endian float32. */
        FLOAT32("<f4", 4),
        /** Little-endian float16 (the reference's CAMs are stored so). */
        FLOAT16("<f2", 2),
        /** Little-endian int64. */
        INT64("<i8", 8);

        final String descr;
        final int bytes;

        DType(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }
    }

    private Npy() {
    }

    /**
     * Reads a {@code .npy} array of any type listed above as a float {@link Tensor}.
     *
     * @param file a {@code .npy} file
     * @return its array, as floats, in its shape
     */
    public static Tensor read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UncheckedIOException("cannot read " + file + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(file + ": " + e.getMessage(), e);
        }
    }

    static Tensor parse(byte[] bytes) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new InvalidInputException("not a .npy file (no \\x93NUMPY magic)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
        int headerStart = major == 1 ? 10 : 12;
        if (headerStart + headerLen > bytes.length) {
            throw new InvalidInputException("truncated .npy header");
        }
        String header = new String(bytes, headerStart, headerLen, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, "descr");
        if (group(FORTRAN, header, "fortran_order").equals("True")) {
            throw new InvalidInputException("Fortran-order arrays are not supported; save with np.ascontiguousarray");
        }
        int[] shape = Arrays.stream(group(SHAPE, header, "shape").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        int n = Tensor.sizeOf(shape);
        int start = headerStart + headerLen;
        int width = switch (descr) {
            case "<f4", "<i4" -> 4;
            case "<f2" -> 2;
            case "<f8", "<i8" -> 8;
            case "|u1", "<u1", "|b1" -> 1;
            default -> throw new InvalidInputException("unsupported dtype '" + descr
                    + "'; supported: <f4, <f2, <f8, <i8, <i4, |u1");
        };
        if (start + (long) n * width > bytes.length) {
            throw new InvalidInputException("truncated data: shape " + Arrays.toString(shape) + " of " + descr
                    + " needs " + (long) n * width + " bytes, file has " + (bytes.length - start));
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            int p = start + i * width;
            out[i] = switch (descr) {
                case "<f4" -> buf.getFloat(p);
                case "<i4" -> buf.getInt(p);
                case "<f2" -> Half.toFloat(buf.getShort(p));
                case "<f8" -> (float) buf.getDouble(p);
                case "<i8" -> buf.getLong(p);
                default -> Byte.toUnsignedInt(bytes[p]);
            };
        }
        return Tensor.of(out, shape);
    }

    private static String group(Pattern pattern, String header, String key) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new InvalidInputException("malformed .npy header, no '" + key + "': " + header.trim());
        }
        return m.group(1);
    }

    /**
     * Writes a tensor as a float32 {@code .npy} array (C order), atomically.
     *
     * @param file where to write
     * @param tensor the array
     */
    public static void write(Path file, Tensor tensor) {
        write(file, tensor, DType.FLOAT32);
    }

    /**
     * Writes {@code tensor} as the given dtype (int64 rounds to the nearest integer).
     *
     * @param file where to write
     * @param tensor the array
     * @param dtype the element type on disk
     */
    public static void write(Path file, Tensor tensor, DType dtype) {
        AtomicFiles.write(file, bytes(tensor, dtype));
    }

    /**
     * The .npy file of a tensor (float32), as bytes.
     *
     * @param tensor the array
     * @return the file's bytes
     */
    public static byte[] bytes(Tensor tensor) {
        return bytes(tensor, DType.FLOAT32);
    }

    private static byte[] bytes(Tensor tensor, DType dtype) {
        int[] shape = tensor.shape();
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 2);
        } else if (shape.length == 1) {
            dims.setLength(dims.length() - 1);
        }
        String dict = "{'descr': '" + dtype.descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = 10 + dict.length() + 1;
        int padded = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - unpadded) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + tensor.size() * dtype.bytes)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < tensor.size(); i++) {
            float v = tensor.at(i);
            switch (dtype) {
                case FLOAT32 -> buf.putFloat(v);
                case FLOAT16 -> buf.putShort(Half.fromFloat(v));
                case INT64 -> buf.putLong(Math.round((double) v));
            }
        }
        return buf.array();
    }
}
