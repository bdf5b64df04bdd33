package org.cam4j.engine.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cam4j.engine.FieldNames;
import org.cam4j.engine.RequestException;
import org.cam4j.engine.store.OutputNames;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.Preprocessing;
import org.cam4j.image.RgbImage;
import org.cam4j.tensor.Tensor;

/**
 * Ground-truth object masks for the pointing games, one H x W mask (1 on the object) per image at the model input,
 * resized and cropped as the images are: from mask images named as their images (object pixels bright), or from
 * boxes ({@code image,x0,y0,x1,y1} lines in the image's own pixels; several lines per image add up). A mask of
 * another size than its image, a mask or box with no object pixel, an inverted box: each an error naming it.
 */
public final class GroundTruth {
    private GroundTruth() {
    }

    /** Per image its mask from the mask images in {@code masks}. */
    public static Tensor fromMasks(List<Path> images, Path masks, Preprocessing pre, FieldNames names) {
        List<Tensor> rows = new ArrayList<>();
        for (Path image : images) {
            Path file = findMask(image, masks, names);
            RgbImage mask = ImageFiles.read(file);
            RgbImage photo = ImageFiles.read(image);
            if (mask.width() != photo.width() || mask.height() != photo.height()) {
                throw new RequestException("mask " + file + " is " + mask.width() + " x " + mask.height()
                        + " but image " + image + " is " + photo.width() + " x " + photo.height() + "; give each"
                        + " image a mask of its own size");
            }
            rows.add(atInput(mask, pre, "mask " + file));
        }
        return Tensor.stack(rows);
    }

    /** Per image its mask from the boxes of the {@code boxes} CSV file. */
    public static Tensor fromBoxes(List<Path> images, Path boxes, Preprocessing pre, FieldNames names) {
        Map<String, List<double[]>> lines = boxLines(boxes, names);
        List<Tensor> rows = new ArrayList<>();
        for (Path image : images) {
            RgbImage photo = ImageFiles.read(image);
            List<double[]> b = lines.get(image.getFileName().toString());
            if (b == null) {
                throw new RequestException(boxes + " has no box for image " + image.getFileName());
            }
            Tensor px = Tensor.zeros(photo.height(), photo.width(), 3);
            for (double[] box : b) {
                for (int y = Math.max(0, (int) box[1]); y < Math.min(photo.height(), Math.ceil(box[3])); y++) {
                    for (int x = Math.max(0, (int) box[0]); x < Math.min(photo.width(), Math.ceil(box[2])); x++) {
                        for (int c = 0; c < 3; c++) {
                            px.put((y * photo.width() + x) * 3 + c, 1f);
                        }
                    }
                }
            }
            rows.add(atInput(new RgbImage(px), pre, "the boxes of " + image.getFileName() + " in " + boxes));
        }
        return Tensor.stack(rows);
    }

    /** A mask picture at the model input: resized and cropped as images are, bright pixels 1, the rest 0. */
    private static Tensor atInput(RgbImage mask, Preprocessing pre, String what) {
        Tensor g = pre.geometry(mask).pixels();
        Tensor out = Tensor.zeros(g.dim(0), g.dim(1));
        boolean any = false;
        for (int p = 0; p < out.size(); p++) {
            boolean object = (g.at(p * 3) + g.at(p * 3 + 1) + g.at(p * 3 + 2)) / 3 > 0.5f;
            out.put(p, object ? 1f : 0f);
            any |= object;
        }
        if (!any) {
            // a pointing game against no object scores 0 for every method: a wrong file, not a result
            throw new RequestException(what + " has no object pixel inside the model's view; object pixels are"
                    + " bright (above half)");
        }
        return out;
    }

    private static Map<String, List<double[]>> boxLines(Path boxes, FieldNames names) {
        Map<String, List<double[]>> lines = new HashMap<>();
        List<String> text;
        try {
            text = Files.readAllLines(boxes);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new RequestException(names.of("boxes") + " " + boxes + " does not exist");
        } catch (IOException e) {
            throw new RequestException("cannot read " + names.of("boxes") + " " + boxes + " (" + e.getMessage() + ")");
        }
        for (String line : text) {
            String[] c = line.split(",");
            if (line.isBlank() || c[0].trim().equals("image")) {
                continue;
            }
            if (c.length != 5) {
                throw new RequestException(boxes + ": expected image,x0,y0,x1,y1 per line, got '" + line + "'");
            }
            double[] box = new double[4];
            for (int k = 0; k < 4; k++) {
                try {
                    box[k] = Double.parseDouble(c[k + 1].trim());
                } catch (NumberFormatException e) {
                    throw new RequestException(boxes + ": '" + c[k + 1].trim() + "' is not a number in line '" + line
                            + "'");
                }
                if (!Double.isFinite(box[k])) {
                    throw new RequestException(boxes + ": " + box[k] + " in line '" + line + "' is not a pixel");
                }
            }
            if (!(box[2] > box[0] && box[3] > box[1])) {
                throw new RequestException(boxes + ": the box in line '" + line + "' is empty or inverted; give"
                        + " x0 < x1 and y0 < y1");
            }
            lines.computeIfAbsent(c[0].trim(), k -> new ArrayList<>()).add(box);
        }
        return lines;
    }

    private static Path findMask(Path image, Path masks, FieldNames names) {
        String stem = OutputNames.base(image);
        try (var list = Files.list(masks)) {
            return list.filter(p -> OutputNames.base(p).equals(stem) && ImageFiles.isImage(p))
                    .findFirst().orElseThrow(() -> new RequestException("no mask for image " + image.getFileName()
                            + " in " + masks + " (masks are named as their images)"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new RequestException(names.of("masks") + " " + masks + " does not exist");
        } catch (IOException e) {
            throw new RequestException("cannot list " + names.of("masks") + " " + masks + " (" + e.getMessage() + ")");
        }
    }
}
