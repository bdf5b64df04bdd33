package org.cam4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Map;
import org.cam4j.tensor.Tensor;

/**
 * The pictures of {@code cam evaluate --out}: deletion and insertion curves (mean class probability per method
 * against the fraction of pixels moved), and one bar chart per metric (mean per method, whiskers one standard
 * deviation). Plain Java 2D, written as PNG.
 */
final class EvaluationPlots {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};
    private static final int W = 640;
    private static final int H = 420;
    private static final int LEFT = 60;
    private static final int RIGHT = 170;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private EvaluationPlots() {
    }

    /** Curves of y in [0, 1] over x in [0, 1], one per method. */
    static BufferedImage curves(String title, Map<String, double[]> byMethod) {
        BufferedImage img = canvas(title);
        Graphics2D g = img.createGraphics();
        style(g);
        axes(g, 0, 1, "fraction of pixels", "class probability");
        int k = 0;
        for (Map.Entry<String, double[]> e : byMethod.entrySet()) {
            double[] y = e.getValue();
            g.setColor(PALETTE[k % PALETTE.length]);
            g.setStroke(new BasicStroke(2f));
            for (int i = 1; i < y.length; i++) {
                g.drawLine(px((i - 1) / (double) (y.length - 1)), py(y[i - 1], 0, 1), px(i / (double) (y.length - 1)),
                        py(y[i], 0, 1));
            }
            legend(g, k, e.getKey());
            k++;
        }
        g.dispose();
        return img;
    }

    /** One bar per method: the mean, with a whisker of one standard deviation. */
    static BufferedImage bars(String title, Map<String, double[]> byMethod) {
        BufferedImage img = canvas(title);
        Graphics2D g = img.createGraphics();
        style(g);
        double lo = 0;
        double hi = 0;
        for (double[] v : byMethod.values()) {
            lo = Math.min(lo, mean(v) - std(v));
            hi = Math.max(hi, mean(v) + std(v));
        }
        if (hi == lo) {
            hi = lo + 1;
        }
        axes(g, lo, hi, "", "value");
        int n = byMethod.size();
        int slot = (W - LEFT - RIGHT) / Math.max(1, n);
        int k = 0;
        for (Map.Entry<String, double[]> e : byMethod.entrySet()) {
            double m = mean(e.getValue());
            double s = std(e.getValue());
            int x = LEFT + k * slot + slot / 4;
            int zero = py(0, lo, hi);
            int top = py(m, lo, hi);
            g.setColor(PALETTE[k % PALETTE.length]);
            g.fillRect(x, Math.min(zero, top), slot / 2, Math.max(1, Math.abs(zero - top)));
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x + slot / 4, py(m - s, lo, hi), x + slot / 4, py(m + s, lo, hi));
            legend(g, k, e.getKey());
            k++;
        }
        g.dispose();
        return img;
    }

    private static BufferedImage canvas(String title) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        style(g);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 24);
        g.dispose();
        return img;
    }

    private static void style(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    }

    private static void axes(Graphics2D g, double lo, double hi, String xLabel, String yLabel) {
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawLine(LEFT, TOP, LEFT, H - BOTTOM);
        g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int t = 0; t <= 4; t++) {
            double v = lo + (hi - lo) * t / 4;
            g.drawString(String.format("%.2f", v), 8, py(v, lo, hi) + 4);
        }
        g.drawString(xLabel, (W - RIGHT) / 2, H - 15);
        g.drawString(yLabel, 8, TOP - 8);
    }

    private static void legend(Graphics2D g, int k, String name) {
        g.setColor(PALETTE[k % PALETTE.length]);
        g.fillRect(W - RIGHT + 15, TOP + k * 20, 12, 12);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(name, W - RIGHT + 32, TOP + k * 20 + 11);
    }

    private static int px(double x) {
        return LEFT + (int) Math.round(x * (W - LEFT - RIGHT));
    }

    private static int py(double y, double lo, double hi) {
        return H - BOTTOM - (int) Math.round((y - lo) / (hi - lo) * (H - TOP - BOTTOM));
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }

    /** A BufferedImage as the H x W x 3 0..255 tensor the PNG writer takes. */
    static Tensor pixels(BufferedImage img) {
        Tensor t = Tensor.zeros(img.getHeight(), img.getWidth(), 3);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                int i = (y * img.getWidth() + x) * 3;
                t.put(i, (p >> 16) & 0xff);
                t.put(i + 1, (p >> 8) & 0xff);
                t.put(i + 2, p & 0xff);
            }
        }
        return t;
    }
}
