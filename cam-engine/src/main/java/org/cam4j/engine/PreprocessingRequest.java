package org.cam4j.engine;

import java.util.List;
import org.cam4j.image.Preprocessing;
import org.cam4j.model.ExplainableModel;
import org.cam4j.tensor.Layout;

/**
 * Image preprocessing as asked, each value {@code null} where not given. {@link #resolve} falls back to the model's
 * YAML, then to the model's input shape, then to torchvision's ImageNet normalisation (for a one-channel model:
 * grayscale, mean 0, std 1), and refuses values out of range in one line.
 */
public record PreprocessingRequest(List<Integer> size, List<Integer> crop, Float scale, List<Float> mean,
                                   List<Float> std, Layout layout) {
    /** Nothing given: everything from the model's YAML and input. */
    public static final PreprocessingRequest NONE = new PreprocessingRequest(null, null, null, null, null, null);

    /** This request with another mean and std. */
    public PreprocessingRequest withMeanStd(List<Float> newMean, List<Float> newStd) {
        return new PreprocessingRequest(size, crop, scale, newMean, newStd, layout);
    }

    /**
     * The preprocessing to use, every value checked; a message names a value the request gave as {@code names} does,
     * and a value taken from {@code settings} as {@code settingsNames} does (a user who gave no {@code --size} must
     * not be told that {@code --size} is wrong).
     */
    public Preprocessing resolve(ModelSettings settings, ExplainableModel model, FieldNames names,
                                 FieldNames settingsNames) {
        ModelSettings.PreprocessingSpec s = settings.preprocessing();
        FieldNames named = field -> given(field) == null && s != null && inSettings(s, field) != null
                ? settingsNames.of(field) : names.of(field);
        Layout lay = layout != null ? layout : s != null && s.layout() != null ? layout(s.layout(), named)
                : model.input().layout();
        List<Integer> sz = size != null ? size : s != null ? s.size() : null;
        int h = model.input().height();
        int w = model.input().width();
        if (sz != null) {
            h = sz.get(0);
            w = sz.size() > 1 ? sz.get(1) : sz.get(0);
        } else if (h <= 0 || w <= 0) {
            h = 224;
            w = 224;
        }
        List<Integer> cr = crop != null ? crop : s != null ? s.crop() : null;
        int ch = cr == null ? 0 : cr.get(0);
        int cw = cr == null ? 0 : cr.size() > 1 ? cr.get(1) : cr.get(0);
        sizeInRange(h, w, named.of("size"));
        if (cr != null) {
            sizeInRange(ch, cw, named.of("crop"));
            if (ch > h || cw > w) {
                throw new RequestException(named.of("crop") + " " + ch + "," + cw + " is larger than the resized image "
                        + h + "," + w + "; crop at most " + named.of("size"));
            }
        }
        float sc = scale != null ? scale : s != null && s.scale() != null ? s.scale() : 1f;
        if (!(sc > 0f) || Float.isInfinite(sc)) {
            throw new RequestException(named.of("scale") + " must be a positive number (1 for [0, 1] input, 255 for raw"
                    + " pixels), got " + sc);
        }
        // torchvision's detectors normalise inside the graph: they read pixels / 255 as they are
        boolean raw = model.input().channels() == 1 || DetectorOpening.recognise(model).map(d -> d.layout().kind()
                == org.cam4j.detection.DetectionLayout.Kind.TORCHVISION).orElse(false);
        boolean gray = model.input().channels() == 1;
        List<Float> mn = mean != null ? mean : s != null && s.mean() != null ? s.mean()
                : raw ? (gray ? List.of(0f) : List.of(0f, 0f, 0f)) : List.of(0.485f, 0.456f, 0.406f);
        List<Float> sd = std != null ? std : s != null && s.std() != null ? s.std()
                : raw ? (gray ? List.of(1f) : List.of(1f, 1f, 1f)) : List.of(0.229f, 0.224f, 0.225f);
        int channels = gray ? 1 : 3;
        if (mn.size() != channels || sd.size() != channels) {
            throw new RequestException(named.of("mean") + " and " + named.of("std") + " take " + channels
                    + (gray ? " value (the model reads grayscale)" : " values (R,G,B)") + ", got " + mn.size() + " and "
                    + sd.size());
        }
        if (sd.stream().anyMatch(v -> !(v > 0f) || Float.isInfinite(v)) || mn.stream().anyMatch(v -> !Float.isFinite(v))) {
            throw new RequestException(named.of("std") + " values must be positive and " + named.of("mean")
                    + " values finite, got mean " + mn + " std " + sd);
        }
        float[] m = new float[channels];
        float[] d = new float[channels];
        for (int c = 0; c < channels; c++) {
            m[c] = mn.get(c);
            d[c] = sd.get(c);
        }
        Preprocessing p = new Preprocessing(h, w, ch, cw, sc, m, d, lay);
        boolean fromYaml = s != null;
        ModelOpening.LOG.log(System.Logger.Level.DEBUG, () -> "preprocessing " + p.height() + " x " + p.width()
                + (p.cropHeight() > 0 ? ", crop " + p.cropHeight() + " x " + p.cropWidth() : "") + ", scale "
                + p.scale() + ", mean " + java.util.Arrays.toString(p.mean()) + ", std "
                + java.util.Arrays.toString(p.std()) + ", " + p.layout() + (fromYaml ? " (the model's YAML, where"
                + " the request gives nothing)" : " (the model's input; where nothing is given ImageNet statistics,"
                + " none for grayscale models and torchvision's detectors)"));
        return p;
    }

    /** The request's own value of a field, or null. */
    private Object given(String field) {
        return switch (field) {
            case "layout" -> layout;
            case "size" -> size;
            case "crop" -> crop;
            case "scale" -> scale;
            case "mean" -> mean;
            case "std" -> std;
            default -> throw new IllegalArgumentException(field);
        };
    }

    /** The model YAML's value of a field, or null. */
    private static Object inSettings(ModelSettings.PreprocessingSpec s, String field) {
        return switch (field) {
            case "layout" -> s.layout();
            case "size" -> s.size();
            case "crop" -> s.crop();
            case "scale" -> s.scale();
            case "mean" -> s.mean();
            case "std" -> s.std();
            default -> throw new IllegalArgumentException(field);
        };
    }

    private static Layout layout(String value, FieldNames names) {
        try {
            return Layout.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RequestException(names.of("layout") + " must be NCHW or NHWC, got " + value);
        }
    }

    /** Model input sizes: 1 to 8192 pixels a side (a typo must not allocate gigabytes). */
    private static void sizeInRange(int h, int w, String option) {
        if (h < 1 || w < 1 || h > MAX_SIDE || w > MAX_SIDE) {
            throw new RequestException(option + " must be between 1 and " + MAX_SIDE + " pixels a side, got " + h + "," + w);
        }
    }

    private static final int MAX_SIDE = 8192;
}
