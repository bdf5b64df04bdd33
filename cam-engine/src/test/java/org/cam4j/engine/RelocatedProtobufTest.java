package org.cam4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cam4j.onnx.OnnxModelFile;
import org.cam4j.testdata.SharedData;
import org.cam4j.testdata.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cam-onnx's jar carries the ONNX protobuf classes and the protobuf runtime relocated into {@code
 * org.cam4j.onnx.shaded}: torch exports read through it and written again are byte-identical to their files (the
 * bundled UltraFace export, and every ONNX model of {@code ../shared} when it is there). The types are named only
 * through reflection, so the test compiles against cam-onnx's classes as well as against its jar.
 */
class RelocatedProtobufTest {
    @TempDir
    Path dir;

    private static byte[] reserialised(Path model) throws Exception {
        Object proto = OnnxModelFile.read(model);
        return (byte[]) proto.getClass().getMethod("toByteArray").invoke(proto);
    }

    @Test
    void torchExportsReadAndWrittenAgainAreByteIdentical() throws Exception {
        List<Path> models = new ArrayList<>(List.of(TestFiles.ultraface(dir)));
        if (SharedData.root().isPresent()) {
            try (Stream<Path> s = Files.walk(SharedData.root().get())) {
                s.filter(p -> p.toString().endsWith(".onnx") && !p.getFileName().toString().contains("external"))
                        .sorted().forEach(models::add);
            }
        }
        for (Path model : models) {
            assertThat(reserialised(model)).as(model.toString()).isEqualTo(Files.readAllBytes(model));
        }
    }

    @Test
    void theOnnxClassesAreCamFoursOwnInItsJar() throws Exception {
        Path source = Path.of(OnnxModelFile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assumeTrue(Files.isRegularFile(source), "cam-onnx is a classes folder (mvn test, before the jar is made): "
                + "the relocation happens when it is packaged");
        Object proto = OnnxModelFile.read(TestFiles.ultraface(dir));
        assertThat(proto.getClass().getName()).startsWith("org.cam4j.onnx.shaded.onnx.");
        assertThat(proto.getClass().getSuperclass().getName()).startsWith("org.cam4j.onnx.shaded.protobuf.");
    }
}
