package org.cam4j.cli.serve;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.MethodRequest;
import org.cam4j.spi.CamMethod;

/** A request's {@code options}, as strings: each read as the number or flag it must be, or a 400 naming it. */
final class RequestOptions {
    /** How a request's fields are named in messages: {@code targets}, {@code metrics}, an option {@code options.top_k}. */
    static final FieldNames FIELDS = field -> List.of("targets", "metrics", "layers").contains(field) ? field
            : "options." + field;

    /** The same for the method options' settings; a method option's key is an "option". */
    private static final FieldNames METHOD_FIELDS = field -> field.equals("option") ? "option" : FIELDS.of(field);

    private RequestOptions() {
    }

    /** The overlays' photo weight option, checked. */
    static float imageWeight(Map<String, String> options) {
        return org.cam4j.engine.Limits.imageWeight((float) number(options, "image_weight", "0.5"),
                "options.image_weight");
    }

    /**
     * The request's methods with their options, by the engine's rule: {@code batch_size} (and, when the task takes
     * them, {@code eigen_smooth} and {@code aug_smooth}) for every method; the other keys of {@code options} (the
     * answer's own removed) are method options, each read by some chosen method.
     */
    static List<MethodChoice> methods(List<CamMethod> methods, Map<String, String> options, boolean smoothing) {
        Map<String, String> own = new HashMap<>(options);
        String batchSize = own.remove("batch_size");
        boolean eigenSmooth = smoothing && flag(options, "eigen_smooth");
        boolean augSmooth = smoothing && flag(options, "aug_smooth");
        if (smoothing) {
            own.keySet().removeAll(List.of("eigen_smooth", "aug_smooth"));
        }
        return new MethodRequest(methods, batchSize, eigenSmooth, augSmooth, false, own).choices(METHOD_FIELDS);
    }

    /** An option's number, or null when the request does not give it. */
    static Double optionalNumber(Map<String, String> options, String key) {
        return options.containsKey(key) ? number(options, key, null) : null;
    }

    /** A number option, or a 400 naming it: "x" was "For input string", a fraction for top_k was cut silently. */
    static double number(Map<String, String> options, String key, String fallback) {
        String v = options.getOrDefault(key, fallback).trim();
        boolean whole = key.equals("top_k") || key.equals("seed");
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d) || whole && d != Math.rint(d)) {
                throw new NumberFormatException(v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new HttpError(400, FIELDS.of(key) + " must be a " + (whole ? "whole " : "")
                    + "number, got '" + v + "'");
        }
    }

    /** A true/false option, or a 400 naming it (anything but "true" was silently false). */
    static boolean flag(Map<String, String> options, String key) {
        String v = options.getOrDefault(key, "false").trim();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new HttpError(400, FIELDS.of(key) + " must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }
}
