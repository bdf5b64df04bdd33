package org.cam4j.engine;

import java.nio.file.Path;

/**
 * The bundled UltraFace opened for a test as {@code cam detect} opens it, keeping detections above 0.99 (eleven faces
 * on its group photo).
 */
final class BundledDetector implements AutoCloseable {
    static final Path MODEL = DefaultModel.detector();
    static final Path PHOTO = DefaultModel.detectorImage();
    /** Detections above 0.99, otherwise cam detect's defaults. */
    static final DetectionRequest REQUEST = DetectionRequest.of(null, 0.99, null, null, null, null, null,
            FieldNames.PLAIN);

    final DetectorOpening.Opened opened;
    final ImageDetector detector;

    BundledDetector() {
        opened = ModelRequest.of(MODEL).openDetector(REQUEST.layout());
        ModelSettings settings = ModelSettings.beside(MODEL);
        detector = REQUEST.detector(opened, DetectorOpening.preprocessing(PreprocessingRequest.NONE, settings,
                opened.model(), opened.outputs().layout(), FieldNames.CLI, FieldNames.CLI), Labels.none(),
                DetectorOpening.layers(null, settings, opened.model()), 0.5f);
    }

    @Override
    public void close() {
        opened.close();
    }
}
