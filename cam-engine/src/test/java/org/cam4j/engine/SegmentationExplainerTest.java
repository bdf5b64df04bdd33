package org.cam4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.cam4j.image.ImageFiles;
import org.cam4j.model.ExplainableModel;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.Methods;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.SyntheticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java entry point for segmenters gives what the engine's loop gives {@code cam segment}: the class over the
 * model's own mask, that mask and its map at the photo's size.
 */
class SegmentationExplainerTest {
    @TempDir
    Path dir;

    private Path photo() {
        return org.cam4j.testdata.TestFiles.randomPhoto(dir.resolve("p.png"), 4, 20, 24);
    }

    @Test
    void aPhotosMaskAndMapAreTheEngineLoopsAsCamSegmentRunsIt() throws Exception {
        Path model = Files.write(dir.resolve("seg.onnx"), SyntheticModels.segmenter(11, 3).toByteArray());
        Path photo = photo();
        SegmentationExplainer.Segmentation mine;
        try (SegmentationExplainer explainer = Explainer.builder(model).method("GradCAM")
                .layers(SyntheticModels.SEGMENTER_LAYER).buildSegmenter("2", 0.5)) {
            mine = explainer.explain(photo);
            SegmentationExplainer.Segmentation fromImage = explainer.explain(ImageIO.read(photo.toFile()));
            assertThat(fromImage.map().maxAbsDiff(mine.map())).isZero();
            assertThat(explainer.layers()).containsExactly(SyntheticModels.SEGMENTER_LAYER);
        }
        assertThat(mine.classIndex()).isEqualTo(2);
        assertThat(mine.fraction()).isGreaterThan(0);
        assertThat(mine.map().shape()).containsExactly(20, 24);
        assertThat(mine.overlay().getWidth()).isEqualTo(24);

        // the engine's loop over the same photo, the segmenter choosing the targets from the model's outputs
        Tensor[] loop = new Tensor[2];
        try (ExplainableModel opened = ModelRequest.of(model).open()) {
            ImageExplainer images = new ImageExplainer(opened, PreprocessingRequest.NONE.resolve(ModelSettings.none(),
                    opened, FieldNames.PLAIN, FieldNames.PLAIN), Labels.none(), List.of(SyntheticModels.SEGMENTER_LAYER), 0.5f);
            ImageSegmenter segmenter = new ImageSegmenter(images, "seg", "2", 0.5, null, FieldNames.PLAIN);
            try (ImagePipeline pipeline = images.pipeline(ImageFiles.DEFAULT_MAX_PIXELS)) {
                new ExplainLoop(images, pipeline).run(List.of(photo), segmenter, List.of(new MethodChoice(
                        Methods.get("GradCAM"), CamOptions.defaults())), 1, new ExplainLoop.Results() {
                            @Override
                            public void failed(ImagePipeline.Failed failed) {
                                throw new AssertionError(failed.reason());
                            }

                            @Override
                            public java.util.function.Consumer<ExplainLoop.Maps> batch(ExplainLoop.Rows rows) {
                                ImagePipeline.Loaded image = rows.image(0);
                                loop[1] = segmenter.maskOnPhoto(image.image(), segmenter.mask(image));
                                return maps -> loop[0] = segmenter.onPhoto(image.image(),
                                        maps.result().cams().slice(0));
                            }
                        });
            }
        }
        assertThat(mine.map().maxAbsDiff(loop[0])).isLessThan(1e-6);
        assertThat(mine.mask().maxAbsDiff(loop[1])).isZero();
    }

    @Test
    void badSettingsAndNonSegmentersAreRefused() throws Exception {
        Path model = Files.write(dir.resolve("seg.onnx"), SyntheticModels.segmenter(11, 3).toByteArray());
        Explainer.Builder builder = Explainer.builder(model).layers(SyntheticModels.SEGMENTER_LAYER);
        assertThatThrownBy(() -> builder.buildSegmenter(null, 1.5))
                .hasMessageContaining("threshold must lie strictly between 0 and 1");
        assertThatThrownBy(() -> builder.buildSegmenter("7", 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Explainer.builder(DefaultModel.model()).buildSegmenter(null, 0.5))
                .hasMessageContaining("has no spatial output");
    }
}
