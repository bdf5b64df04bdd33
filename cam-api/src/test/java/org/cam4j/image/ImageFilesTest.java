package org.cam4j.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.tensor.Layout;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {
    @TempDir
    Path dir;

    @Test
    void pngRoundTripAndPreprocessingLayouts() {
        Tensor px = Tensor.zeros(2, 3, 3);
        for (int i = 0; i < px.size(); i++) {
            px.put(i, i * 10);
        }
        Path f = dir.resolve("x.png");
        ImageFiles.writePng(f, px);
        RgbImage img = ImageFiles.read(f);
        assertThat(img.height()).isEqualTo(2);
        assertThat(img.pixels().get(1, 2, 2)).isEqualTo(170f / 255f);
        Preprocessing nchw = new Preprocessing(2, 3, 0, 0, 255f, new float[] {0, 0, 0}, new float[] {1, 2, 1},
                Layout.NCHW);
        Tensor b = nchw.batch(List.of(img));
        assertThat(b.shape()).containsExactly(1, 3, 2, 3);
        assertThat(b.get(0, 1, 1, 2)).isEqualTo(160f / 2);
        Preprocessing nhwc = new Preprocessing(2, 3, 0, 0, 255f, new float[] {0, 0, 0}, new float[] {1, 2, 1},
                Layout.NHWC);
        assertThat(nhwc.batch(List.of(img)).get(0, 1, 2, 1)).isEqualTo(160f / 2);
    }

    @Test
    void jpegWithJfifNameIsRead() {
        RgbImage img = ImageFiles.read(org.cam4j.testdata.TestFiles.copy(org.cam4j.testdata.TestFiles.DOG_CAT_JFIF, dir));
        assertThat(img.width()).isEqualTo(284);
        assertThat(img.height()).isEqualTo(177);
        assertThat(img.pixels().max()).isGreaterThan(0.9f);
        assertThat(ImageFiles.isImage(dir.resolve("x.JFIF"))).isTrue();
    }

    /** A JPEG cut short decodes with only a warning (a grey lower part): it is refused as the damaged file it is. */
    @Test
    void aTruncatedJpegIsRefused() throws Exception {
        byte[] whole = Files.readAllBytes(org.cam4j.testdata.TestFiles.copy(org.cam4j.testdata.TestFiles.DOG_CAT_JFIF,
                dir));
        Path cut = Files.write(dir.resolve("cut.jpg"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> ImageFiles.read(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cut.jpg").hasMessageContaining("truncated");
        assertThat(ImageFiles.read(org.cam4j.testdata.TestFiles.copy(org.cam4j.testdata.TestFiles.DOG_CAT_JFIF, dir))
                .width()).as("the whole file still reads").isEqualTo(284);
    }

    @Test
    void unreadableImagesNameTheFileAndTheFormats() throws Exception {
        Path bad = dir.resolve("broken.jpg");
        Files.writeString(bad, "not an image");
        assertThatThrownBy(() -> ImageFiles.read(bad))
                .hasMessageContaining("broken.jpg").hasMessageContaining("png, jpg, jpeg, jfif, bmp");
        assertThatThrownBy(() -> ImageFiles.read(dir.resolve("missing.png"))).hasMessageContaining("does not exist");
    }

    @Test
    void referencePhotosGiveTheReferenceInput() {
        assumeTrue(SharedData.root().isPresent(), "../shared not present");
        Path shared = SharedData.root().get();
        Tensor expected = Npy.read(shared.resolve("parity/input_batch.npy"));
        RgbImage both = ImageFiles.read(shared.resolve("fixtures/pytorch-grad-cam/both.png"));
        Tensor ours = Preprocessing.imagenet().batch(List.of(both));
        // both.png is 224 x 224: no resize, so the normalised tensor must agree to float precision
        assertThat(ours.slice(0).maxAbsDiff(expected.slice(0))).isLessThan(1e-5);
        RgbImage jfif = ImageFiles.read(shared.resolve("fixtures/pytorch-grad-cam/dog_cat.jfif"));
        assertThat(jfif.width()).isEqualTo(284);
        Tensor resized = Preprocessing.imagenet().batch(List.of(jfif));
        // 284 x 177 -> 224 x 224 in floats, re-quantised: within a couple of 8-bit levels of OpenCV's fixed point
        // (and JPEG decoders differ by a level or two too)
        assertThat(resized.slice(0).pearson(expected.slice(1))).isGreaterThan(0.995);
    }
}
