package org.cam4j.image;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.List;
import org.cam4j.tensor.Tensor;

/** Draws labelled boxes on a picture (an H x W x 3 tensor of 0..255 values), as detection overlays show them. */
public final class BoxDrawing {
    /** One box to draw: corners in the picture's pixels and its caption (e.g. "face 0.98"). */
    public record LabeledBox(double[] box, String caption) {
    }

    private BoxDrawing() {
    }

    /** A copy of the picture with the boxes drawn: a line and a caption on a filled tab, scaled to the picture. */
    public static Tensor draw(Tensor rgb255, List<LabeledBox> boxes) {
        BufferedImage img = ImageFiles.toImage(rgb255);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int size = Math.max(img.getWidth(), img.getHeight());
            float line = Math.max(1f, size / 400f);
            g.setStroke(new BasicStroke(line));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(9, size / 90)));
            FontMetrics metrics = g.getFontMetrics();
            for (LabeledBox b : boxes) {
                int x1 = (int) Math.round(b.box()[0]);
                int y1 = (int) Math.round(b.box()[1]);
                int x2 = (int) Math.round(b.box()[2]);
                int y2 = (int) Math.round(b.box()[3]);
                g.setColor(Color.GREEN);
                g.drawRect(x1, y1, Math.max(1, x2 - x1), Math.max(1, y2 - y1));
                if (!b.caption().isEmpty()) {
                    int w = metrics.stringWidth(b.caption()) + 4;
                    int h = metrics.getHeight();
                    int top = y1 - h >= 0 ? y1 - h : y1;
                    g.fillRect(x1, top, w, h);
                    g.setColor(Color.BLACK);
                    g.drawString(b.caption(), x1 + 2, top + metrics.getAscent());
                }
            }
        } finally {
            g.dispose();
        }
        byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        Tensor out = Tensor.zeros(rgb255.shape());
        for (int p = 0; p < bgr.length / 3; p++) {
            out.put(p * 3, bgr[p * 3 + 2] & 0xff);
            out.put(p * 3 + 1, bgr[p * 3 + 1] & 0xff);
            out.put(p * 3 + 2, bgr[p * 3] & 0xff);
        }
        return out;
    }
}
