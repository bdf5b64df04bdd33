package org.cam4j.onnx;

import java.util.Arrays;
import org.cam4j.tensor.Tensor;
import org.cam4j.errors.InvalidInputException;

/**
 * How a layer's raw tensor becomes the N x C x h x w map methods receive, and back:
 * NCHW maps pass through; NHWC maps (Swin's B x H x W x C) are transposed; token sequences B x T x C (ViT) drop
 * their leading {@code skip} tokens (the class token; two for DeiT's class and distillation tokens) and fold the
 * rest into an h x w grid.
 *
 * @param kind what the raw layout is
 */
public record TokenReshape(Kind kind, int height, int width, int skip) {
    /** The raw layout of a layer's tensor. */
    public enum Kind {
        /** Maps, N x C x h x w, as methods take them. */
        NCHW,
        /** Maps with channels last, N x h x w x C (Swin). */
        NHWC,
        /** Token sequences, N x T x C (ViT), folded into a grid. */
        TOKENS
    }

    /**
     * The rule for a raw shape: {@code spec} {@code null}/{@code auto} infers it ({@code nhwcHint} marks 4-d tensors
     * that are channels-last, such as a LayerNormalization output); otherwise {@code nchw}, {@code nhwc} or
     * {@code tokens:H,W[,SKIP]}.
     */
    public static TokenReshape of(long[] raw, String spec, boolean nhwcHint, String layer) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("nchw")) {
            return new TokenReshape(Kind.NCHW, 0, 0, 0);
        }
        if (s.equals("nhwc")) {
            return new TokenReshape(Kind.NHWC, 0, 0, 0);
        }
        if (s.startsWith("tokens:")) {
            String[] p = s.substring(7).split(",");
            if (p.length < 2 || p.length > 3) {
                throw new InvalidInputException("reshape takes tokens:H,W[,SKIP], got '" + spec + "'")
                        .naming("reshape");
            }
            return new TokenReshape(Kind.TOKENS, Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()),
                    p.length == 3 ? Integer.parseInt(p[2].trim()) : 0);
        }
        if (!s.equals("auto")) {
            throw new InvalidInputException("unknown reshape '" + spec + "'; use auto, nchw, nhwc or tokens:H,W[,SKIP]")
                    .naming("reshape");
        }
        if (raw.length == 4) {
            // channels-last when told so, or when the middle two dims form the square grid and the last is wider
            boolean looksNhwc = raw[1] == raw[2] && raw[2] != raw[3] && raw[3] > raw[2];
            return new TokenReshape(nhwcHint || looksNhwc ? Kind.NHWC : Kind.NCHW, 0, 0, 0);
        }
        if (raw.length == 3) {
            long tokens = raw[1];
            // a class token (ViT), none, or class and distillation tokens (DeiT)
            for (int skip : new int[] {1, 0, 2}) {
                long side = Math.round(Math.sqrt(tokens - skip));
                if (side * side == tokens - skip && side > 0) {
                    return new TokenReshape(Kind.TOKENS, (int) side, (int) side, skip);
                }
            }
            throw new InvalidInputException("layer '" + layer + "' has " + tokens + " tokens, not a square grid"
                    + " (with or without a class token); give reshape tokens:H,W,SKIP").naming("reshape");
        }
        throw new InvalidInputException("layer '" + layer + "' has shape " + Arrays.toString(raw)
                + ", not a spatial map; choose a 4-d feature map or a token layer, or give reshape tokens:H,W,SKIP")
                .naming("reshape");
    }

    /**
     * Where one channel lies in one image's raw tensor (flat, row-major): {from, to, step} - a contiguous plane for
     * NCHW, every C-th value from {@code channel} on for channels-last layouts (NHWC maps, tokens incl. skipped).
     */
    public int[] channelSpan(Tensor rawImage, int channel) {
        if (kind == Kind.NCHW) {
            int plane = rawImage.size() / rawImage.dim(0);
            return new int[] {channel * plane, (channel + 1) * plane, 1};
        }
        return new int[] {channel, rawImage.size(), rawImage.dim(-1)};
    }

    /** Raw layer tensor to N x C x h x w. */
    public Tensor toNchw(Tensor raw) {
        return switch (kind) {
            case NCHW -> raw;
            case NHWC -> raw.transpose(0, 3, 1, 2);
            case TOKENS -> {
                int n = raw.dim(0);
                int t = raw.dim(1);
                int c = raw.dim(2);
                if (t - skip != height * width) {
                    throw new InvalidInputException("cannot fold " + (t - skip) + " tokens into " + height + " x "
                            + width + "; fix reshape").naming("reshape");
                }
                Tensor grid = Tensor.zeros(n, height * width, c);
                for (int i = 0; i < n; i++) {
                    grid.slice(i).copyFrom(raw.slice(i).rows(skip, t));
                }
                yield grid.reshape(n, height, width, c).transpose(0, 3, 1, 2);
            }
        };
    }

    /**
     * N' x C x h x w back to the raw layout; skipped tokens of row r come from image {@code source[r]} of the
     * original raw activations.
     */
    public Tensor toRaw(Tensor nchw, Tensor originalRaw, int[] source) {
        return switch (kind) {
            case NCHW -> nchw;
            case NHWC -> nchw.transpose(0, 2, 3, 1);
            case TOKENS -> {
                int n = nchw.dim(0);
                int c = nchw.dim(1);
                Tensor tokens = nchw.transpose(0, 2, 3, 1).reshape(n, height * width, c);
                Tensor out = Tensor.zeros(n, skip + height * width, c);
                for (int r = 0; r < n; r++) {
                    if (skip > 0) {
                        out.slice(r).rows(0, skip).copyFrom(originalRaw.slice(source[r]).rows(0, skip));
                    }
                    out.slice(r).rows(skip, skip + height * width).copyFrom(tokens.slice(r));
                }
                yield out;
            }
        };
    }
}
