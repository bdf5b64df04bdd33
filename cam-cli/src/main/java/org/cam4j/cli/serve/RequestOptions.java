package org.cam4j.cli.serve;

import java.util.Map;

/** A request's {@code options}, as strings: each read as the number or flag it must be, or a 400 naming it. */
final class RequestOptions {
    /** How a request's options are named in messages: {@code options.top_k}. */
    static final org.cam4j.engine.FieldNames FIELDS = field -> "options." + field;

    private RequestOptions() {
    }

    /** The overlays' photo weight option, checked. */
    static float imageWeight(Map<String, String> options) {
        return org.cam4j.engine.Limits.imageWeight((float) number(options, "image_weight", "0.5"),
                "options.image_weight");
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
