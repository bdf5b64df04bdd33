package org.cam4j.engine.store;

import java.nio.file.Path;
import org.cam4j.image.ImageFiles;
import org.cam4j.tensor.Tensor;

/** The file format of overlay pictures: lossless PNG (default) or JPEG (smaller, faster to write). */
public enum OverlayFormat {
    /** Lossless PNG, the default. */
    png,
    /** JPEG: smaller and faster to write. */
    jpg;

    /** The file name extension, without the dot. */
    public String extension() {
        return name();
    }

    /** The file's bytes. */
    public byte[] encode(Tensor rgb255) {
        return this == jpg ? ImageFiles.jpeg(rgb255) : ImageFiles.png(rgb255);
    }

    /** Writes the picture (H x W x 3, 0..255) to the file in this format. */
    public void write(Path file, Tensor rgb255) {
        if (this == jpg) {
            ImageFiles.writeJpeg(file, rgb255);
        } else {
            ImageFiles.writePng(file, rgb255);
        }
    }
}
