package org.cam4j.cli;

import org.cam4j.engine.store.OutputFolder;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.cam4j.tensor.Npy;
import org.cam4j.tensor.Tensor;
import org.cam4j.testdata.OnnxModelBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, row by row, through the CLI as a user runs it: exit code, the one-line message, files left behind and
 * nothing written outside the output folder.
 */
class HardeningTest {
    @TempDir
    Path dir;

    private Path model;
    private Path photo;

    @BeforeEach
    void files() throws Exception {
        model = CliTestFiles.cnn(dir);
        photo = CliTestFiles.photo(dir.resolve("photo.png"), 1, 20, 20);
    }

    private static CliRun fails(String expected, String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as(String.join(" ", args) + " -> " + r.err()).isEqualTo(CamCli.BAD_INPUT);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains(expected).doesNotContain("\tat ").doesNotContain("java.");
        return r;
    }

    /**
     * A bad value in the model's YAML is named as that file's key, not as a flag nobody gave ("--size must be..."
     * for a run without --size); a bad flag is still named as the flag, and the batch YAML names it as before.
     */
    @Test
    void aBadPreprocessingValueIsNamedWhereItWasWritten() throws Exception {
        Path model = CliTestFiles.cnn(dir);
        Path yaml = org.cam4j.engine.ModelSettings.fileBeside(model);
        Files.writeString(yaml, "preprocessing: {size: [0, 0], mean: [0.5, 0.5, 0.5], std: [1, 1, 1]}\n");
        Path photo = CliTestFiles.photo(dir.resolve("p.png"), 1, 16, 16);
        fails(yaml + ": preprocessing.size must be between 1 and 8192 pixels a side, got 0,0", "explain", "--model",
                model.toString(), "--image", photo.toString(), "--out", dir.resolve("o").toString());
        fails("--size must be between 1 and 8192 pixels a side, got 0,0", "explain", "--model", model.toString(),
                "--image", photo.toString(), "--size", "0,0", "--out", dir.resolve("o").toString());
        Files.writeString(yaml, "preprocessing: {size: [16, 16], std: [0, 1, 1]}\n");
        fails(yaml + ": preprocessing.std values must be positive", "explain", "--model", model.toString(), "--image",
                photo.toString(), "--out", dir.resolve("o").toString());
        assertThat(dir.resolve("o")).doesNotExist();
    }

    private static CliRun ok(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as(String.join(" ", args) + " -> " + r.err()).isZero();
        return r;
    }

    private String[] explain(String... more) {
        return Stream.concat(Stream.of("explain", "--model", model.toString(), "--layer", "block_out", "--out",
                dir.resolve("out").toString()), Stream.of(more)).toArray(String[]::new);
    }

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    // ---- security ----

    @Test
    void threadAndMemorySizingOptionsAreBounded() throws Exception {
        fails("--threads must be between 0", explain("--image", photo.toString(), "--threads", "100000"));
        fails("--threads must be between 0", explain("--image", photo.toString(), "--threads", "-1"));
        fails("--batch-size must be between 1 and 1024", explain("--image", photo.toString(), "--batch-size", "100000"));
        fails("--top must be between 0 and 1000", explain("--image", photo.toString(), "--top", "-3"));
        fails("--components must be between 1 and 64", "dff", "--model", model.toString(), "--layer", "block_out",
                "--image", photo.toString(), "--components", "100000", "--out", dir.resolve("d").toString());
        fails("--components 9 is more than layer 'block_out' has channels (8)", "dff", "--model", model.toString(),
                "--layer", "block_out", "--image", photo.toString(), "--components", "9", "--out",
                dir.resolve("d").toString());
        Path run = Files.writeString(dir.resolve("run.yaml"), "output: o\nmodels: [{path: cnn.onnx, threads: 9999,"
                + " layers: [block_out]}]\nmethods: [GradCAM]\nimages: [photo.png]\n");
        fails("threads must be between 0", "batch", run.toString());
        Files.writeString(run, "output: o\nmodels: [{path: cnn.onnx, layers: [block_out]}]\n"
                + "methods: [{name: ScoreCAM, batch_size: 100000}]\nimages: [photo.png]\n");
        fails("batch_size must be between 1 and 1024", "batch", run.toString());
        assertThat(dir.resolve("out")).doesNotExist();
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void labelsNeverLeaveTheOutputFolder() throws Exception {
        Path work = Files.createDirectories(dir.resolve("a/b/c"));
        Path labels = Files.writeString(dir.resolve("labels.txt"), "zero\nT-shirt/top\ntwo\ncat/../../../../x\nfour\n");
        Path out = work.resolve("o");
        ok("explain", "--model", model.toString(), "--layer", "block_out", "--image", photo.toString(), "--labels",
                labels.toString(), "--class", "1,3", "--out", out.toString());
        assertThat(files(out)).extracting(p -> out.relativize(p).toString()).containsExactlyInAnyOrder(
                "photo.GradCAM.T-shirt_top.png", "photo.GradCAM.cat_.._.._.._.._x.png");
        assertThat(files(dir)).allMatch(p -> !p.getFileName().toString().equals("x.png"));
        assertThat(OutputFolder.safeName("../..")).isEqualTo("_.._..");
        assertThat(OutputFolder.safeName("")).isEqualTo("_");
    }

    @Test
    void batchRefusesALinkedFolderInsideTheOutputFolder() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createSymbolicLink(out.resolve("m1"), elsewhere);
        Path run = Files.writeString(dir.resolve("run.yaml"), "output: out\nmodels: [{name: m1, path: cnn.onnx,"
                + " layers: [block_out]}]\nmethods: [GradCAM]\nimages: [photo.png]\n");
        fails("symbolic link m1", "batch", run.toString(), "--no-progress");
        assertThat(files(elsewhere)).isEmpty();
    }

    /** A PNG whose header says width x height, with no pixel data: the size check must come before decoding. */
    private static Path pngHeader(Path file, int width, int height) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeBytes("IHDR");
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 2, 0, 0, 0});
        out.writeInt(13);
        out.write(ihdr.toByteArray());
        CRC32 crc = new CRC32();
        crc.update(ihdr.toByteArray());
        out.writeInt((int) crc.getValue());
        return Files.write(file, bytes.toByteArray());
    }

    @Test
    void hugeImagesAreRefusedFromTheirHeader() throws Exception {
        Path huge = pngHeader(dir.resolve("huge.png"), 30000, 30000);
        fails("is 30000 x 30000 (900 megapixels), above the limit of 250 megapixels; raise max_pixels (--max-pixels)",
                explain("--image", huge.toString()));
        fails("above the limit", explain("--image", photo.toString(), "--max-pixels", "100"));
        Path folder = Files.createDirectories(dir.resolve("photos"));
        Files.copy(huge, folder.resolve("huge.png"));
        Files.copy(photo, folder.resolve("ok.png"));
        Path run = Files.writeString(dir.resolve("run.yaml"), "output: out\nmodels: [{path: cnn.onnx, layers:"
                + " [block_out]}]\nmethods: [GradCAM]\nimages: [photos/]\n");
        CliRun r = CliRun.of("batch", run.toString(), "--no-progress");
        assertThat(r.exit()).as(r.err()).isEqualTo(CamCli.PARTIAL_FAILURE);
        assertThat(r.err()).contains("megapixels").doesNotContain("OutOfMemory");
    }

    @Test
    void outputFilesGetTheUmaskDefaultMode() throws Exception {
        ok(explain("--image", photo.toString(), "--save-npy"));
        Path plain = Files.createFile(dir.resolve("plain"));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        for (Path f : files(dir.resolve("out"))) {
            assertThat(Files.getPosixFilePermissions(f)).as(f.toString()).isEqualTo(expected);
        }
    }

    // ---- wrong results or crashes on valid input ----

    @Test
    void rawAndSoftmaxTargetsOnImages() throws Exception {
        CliRun r = ok(explain("--image", photo.toString(), "--target", "raw"));
        assertThat(r.out()).contains("GradCAM for raw");
        assertThat(dir.resolve("out/photo.GradCAM.png")).isRegularFile();
        fails("class 99 is outside the model's 5 outputs", explain("--image", photo.toString(), "--target",
                "softmax:99"));
        fails("class 99 is outside the model's 5 outputs", explain("--image", photo.toString(), "--class", "99"));
    }

    @Test
    void batchTopKIsCheckedAgainstTheClassesBeforeAnythingIsWritten() throws Exception {
        Path run = Files.writeString(dir.resolve("run.yaml"), "output: out\nmodels: [{name: m, path: cnn.onnx,"
                + " layers: [block_out]}]\nmethods: [GradCAM]\nimages: [photo.png]\ntargets: {top_k: 6}\n");
        fails("targets.top_k must be between 1 and the model's 5 classes, got 6", "batch", run.toString());
        assertThat(dir.resolve("out/m")).doesNotExist();
        Files.writeString(run, Files.readString(run).replace("top_k: 6", "top_k: 5"));
        ok("batch", run.toString(), "--no-progress");
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/summary.json").toFile());
        assertThat(summary.get(0).get("cams")).hasSize(5);
    }

    @Test
    void collidingImageNamesGetDistinctOutputs() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        CliTestFiles.photo(a.resolve("x.png"), 1, 20, 20);
        CliTestFiles.photo(b.resolve("x.png"), 2, 20, 20);
        CliTestFiles.photo(a.resolve("x.bmp"), 3, 20, 20);
        ok(explain("--image", a.resolve("x.png").toString(), b.resolve("x.png").toString(),
                a.resolve("x.bmp").toString()));
        assertThat(files(dir.resolve("out"))).extracting(p -> dir.resolve("out").relativize(p).toString())
                .containsExactlyInAnyOrder("a/x.png.GradCAM.png", "a/x.bmp.GradCAM.png", "b/x.GradCAM.png");
    }

    @Test
    void batchCollisionsAndDuplicateModelNames() throws Exception {
        Path photos = Files.createDirectories(dir.resolve("photos/sub"));
        CliTestFiles.photo(dir.resolve("photos/x.png"), 1, 20, 20);
        CliTestFiles.photo(dir.resolve("photos/x.bmp"), 2, 20, 20);
        CliTestFiles.photo(photos.resolve("x.png"), 3, 20, 20);
        CliTestFiles.photo(dir.resolve("photos/a b.bmp"), 4, 20, 20);
        CliTestFiles.photo(dir.resolve("photos/a_b.png"), 5, 20, 20);
        Path run = Files.writeString(dir.resolve("run.yaml"), "output: out\nmodels: [{name: m, path: cnn.onnx,"
                + " layers: [block_out]}]\nmethods: [GradCAM]\nimages: ['photos/**']\nformats: [png, json]\n");
        ok("batch", run.toString(), "--no-progress");
        assertThat(files(dir.resolve("out/m")).stream().filter(p -> p.toString().endsWith(".png"))).hasSize(5);
        assertThat(files(dir.resolve("out/m/.done"))).hasSize(5);
        CliRun again = ok("batch", run.toString(), "--no-progress");
        assertThat(again.out()).contains("explained 5 image(s)").contains("(0 explained, 5 already done)");
        Files.writeString(run, "output: out\nmodels: [{name: m, path: cnn.onnx, layers: [block_out]},"
                + " {name: M, path: cnn.onnx}]\nmethods: [GradCAM]\nimages: [photos/]\n");
        fails("two models are named 'M'", "batch", run.toString());
    }

    @Test
    void aBadImageInAFolderIsSkippedAndTheRestAreDone() throws Exception {
        Path photos = Files.createDirectories(dir.resolve("photos"));
        for (int i = 0; i < 9; i++) {
            CliTestFiles.photo(photos.resolve("p" + i + ".png"), i, 20, 20);
        }
        byte[] whole = Files.readAllBytes(photos.resolve("p0.png"));
        Files.write(photos.resolve("p0.png"), java.util.Arrays.copyOf(whole, whole.length / 2));
        CliRun r = CliRun.of(explain("--image", photos.toString()));
        assertThat(r.exit()).as(r.err()).isEqualTo(CamCli.PARTIAL_FAILURE);
        assertThat(r.err()).contains("p0.png").contains("1 of 9 image(s) failed");
        assertThat(files(dir.resolve("out"))).hasSize(8);
    }

    @Test
    void modelRandomizationOverSeveralStagesStaysFinite() throws Exception {
        // randomised BatchNormalization variances made the bundled model's output NaN from two stages on
        for (String stages : List.of("1", "2", "4")) {
            CliRun r = ok("evaluate", "--metric", "ModelRandomization", "--metric-option", "stages=" + stages,
                    "--method", "GradCAM", "--json");
            double v = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("metrics")
                    .get("ModelRandomization").get("GradCAM").get(0).asDouble();
            assertThat(v).as("stages=" + stages).isBetween(-1.0, 1.0);
        }
    }

    @Test
    void nonFiniteInputsAreAnError() throws Exception {
        Tensor x = Tensor.zeros(1, 3, 16, 16);
        x.put(5, Float.NaN);
        Path npy = dir.resolve("nan.npy");
        Npy.write(npy, x);
        fails("the input batch has NaN values (image 0)", explain("--input", npy.toString(), "--save-npy",
                dir.resolve("cams.npy").toString()));
        assertThat(dir.resolve("cams.npy")).doesNotExist();
        ok(explain("--input", npy.toString(), "--save-npy", dir.resolve("cams.npy").toString(), "--allow-non-finite"));
    }

    // ---- bad input reported as an internal error, or misleadingly ----

    private Path rank2Model() {
        OnnxModelBuilder b = new OnnxModelBuilder(17, 1);
        b.input("x", -1, 10);
        b.node("Gemm", "y", new String[] {"x", b.random("w", 0.5f, 0, 3, 10)}, OnnxModelBuilder.i("transB", 1));
        b.output("y", -1, 3);
        return b.write(dir.resolve("mlp.onnx"));
    }

    private Path customOpModel() {
        OnnxMl.ModelProto m = org.cam4j.testdata.SyntheticModels.cnn(3);
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
        g.setNode(2, g.getNode(2).toBuilder().setDomain("com.example.ops").setOpType("FancyRelu"));
        return write(dir.resolve("custom.onnx"), m.toBuilder().setGraph(g).build());
    }

    private Path externalDataModel() {
        OnnxMl.ModelProto m = org.cam4j.testdata.SyntheticModels.cnn(3);
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
        g.setInitializer(0, g.getInitializer(0).toBuilder().clearRawData().clearFloatData()
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location")
                        .setValue("../../../../../../etc/passwd")));
        return write(dir.resolve("external.onnx"), m.toBuilder().setGraph(g).build());
    }

    private static Path write(Path file, OnnxMl.ModelProto m) {
        try {
            return Files.write(file, m.toByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void badModelsAreUserErrors() throws Exception {
        fails("has 2 dimensions; cam4j explains image models", "explain", "--model", rank2Model().toString(),
                "--layer", "y", "--image", photo.toString(), "--out", dir.resolve("o").toString());
        fails("op 'FancyRelu' of custom domain 'com.example.ops'", "layers", "--model", customOpModel().toString());
        fails("is refused: it leaves the model's folder", "layers", "--model", externalDataModel().toString());
        fails("is a folder; give the model file inside it", "layers", "--model", dir.toString());
        fails("'input' is the model's input, not a layer inside it", explain("--image", photo.toString(), "--layer",
                "input"));
    }

    @Test
    void badInputsAreUserErrors() throws Exception {
        Path scalar = dir.resolve("scalar.npy");
        Npy.write(scalar, Tensor.of(new float[] {1f}));
        fails("--input must hold a non-empty N x C x H x W", explain("--input", scalar.toString(), "--save-npy",
                dir.resolve("c.npy").toString()));
        fails("class '99999999999' is not a valid class index", explain("--image", photo.toString(), "--class",
                "99999999999"));
        Path run = Files.writeString(dir.resolve("run.yaml"), "output: out\nmodels: [{path: cnn.onnx, layers:"
                + " [block_out]}]\nmethods: [GradCAM]\nimages: [photo.png]\ntargets: {csv: missing.csv}\n");
        fails("missing.csv does not exist", "batch", run.toString());
        Files.writeString(dir.resolve("classes.csv"), "image,class\nother.png,3\n");
        Files.writeString(run, Files.readString(run).replace("missing.csv", "classes.csv"));
        fails(run + ": targets.csv classes.csv has no class for image photo.png; add a line photo.png,CLASS", "batch",
                run.toString());
        Files.writeString(run, "output: out\nmethods: GradCAM\nimages: [photo.png]\n");
        fails("'methods' should be a list", "batch", run.toString());
        Files.writeString(run, "output: out\nmodels: [{path: cnn.onnx, threads: many}]\nmethods: [GradCAM]\n"
                + "images: [photo.png]\n");
        fails("'models[0].threads' should be a whole number", "batch", run.toString());
        Files.writeString(run, "output: out\nmethods: [{name: GradCAM, batch_size: many}]\nimages: [photo.png]\n");
        fails("batch_size must be 'auto' or a whole number between 1 and 1024, got 'many'", "batch", run.toString());
    }

    @Test
    void anOutputPathWithDotDotIsNormalised() throws Exception {
        Path work = Files.createDirectories(dir.resolve("w"));
        String out = work + "/../a/../x";
        ok("explain", "--model", model.toString(), "--layer", "block_out", "--image", photo.toString(), "--out", out);
        assertThat(dir.resolve("x/photo.GradCAM.png")).isRegularFile();
        assertThat(dir.resolve("a")).doesNotExist();
    }

    // ---- accepted silently before ----

    @Test
    void unknownOrNonsensicalOptionsAreRefused() throws Exception {
        fails("unknown --option 'foo' for GradCAM; these methods take no options",
                explain("--image", photo.toString(), "--option", "foo=1"));
        fails("known: ratio_channels_to_ablate", explain("--image", photo.toString(), "--method", "GradCAM",
                "AblationCAM", "--option", "ratio=1"));
        ok(explain("--image", photo.toString(), "--method", "GradCAM", "AblationCAM", "--option",
                "ratio_channels_to_ablate=0.5"));
        fails("--crop must be between 1 and 8192", explain("--image", photo.toString(), "--crop", "0"));
        fails("--scale must be a positive number", explain("--image", photo.toString(), "--scale", "0"));
        fails("--image-weight must be in [0, 1]", "dff", "--model", model.toString(), "--image-weight", "5");
        Path run = Files.writeString(dir.resolve("run.yaml"), "output: out\nmodels: [{path: cnn.onnx, layers:"
                + " [block_out]}]\nmethods: [{name: FEM, options: {kk: 2}}]\nimages: [photo.png]\n");
        fails(run + ": unknown methods[].options key 'kk' for FEM; known: k", "batch", run.toString());
        Files.writeString(run, "output: out\noutput: other\nmethods: [GradCAM]\nimages: [photo.png]\n");
        fails("Duplicate field 'output'", "batch", run.toString());
    }

    @Test
    void repeatedImagesAndMethodsRunOnce() throws Exception {
        CliRun r = ok(explain("--image", photo.toString(), photo.toString(), "--method", "GradCAM", "gradcam",
                "--json"));
        JsonNode summary = new ObjectMapper().readTree(r.out());
        assertThat(summary).hasSize(1);
        assertThat(summary.get(0).get("outputs").size()).isEqualTo(1);
    }

    @Test
    void jsonWithAnInputBatch() throws Exception {
        Path x = dir.resolve("x.npy");
        Npy.write(x, Tensor.zeros(2, 3, 16, 16));
        CliRun r = ok(explain("--input", x.toString(), "--save-npy", dir.resolve("c.npy").toString(), "--json"));
        JsonNode summary = new ObjectMapper().readTree(r.out());
        assertThat(summary.get(0).get("shape").toString()).isEqualTo("[2,16,16]");
    }

    @Test
    void layersSaysWhyThereIsNoCandidate() {
        OnnxModelBuilder b = new OnnxModelBuilder(17, 1);
        b.input("x", -1, 3, 4, 4);
        String gap = b.node("GlobalAveragePool", "gap", new String[] {"x"});
        b.node("Flatten", "y", new String[] {gap}, OnnxModelBuilder.i("axis", 1));
        b.output("y", -1, 3);
        Path pooled = b.write(dir.resolve("pooled.onnx"));
        fails("no candidate target layers", "layers", "--model", pooled.toString());
    }

    @Test
    void optionsAreValidatedBeforeInference() throws Exception {
        fails("--image-weight must be in [0, 1]", explain("--image", photo.toString(), "--image-weight", "2"));
        assertThat(dir.resolve("out")).doesNotExist();
        fails("unknown method 'Foo'", "bench", "--model", model.toString(), "--layer", "block_out", "--method", "Foo");
    }

    @Test
    void theDemoNamesTheBundledPhoto() {
        CliRun r = ok("explain", "--out", dir.resolve("demo").toString(), "--json");
        assertThat(r.out()).contains("\"image\" : \"both.png\"");
    }

    @Test
    void failedBatchImagesAreListedInTheSummaryAndReport() throws Exception {
        Path photos = Files.createDirectories(dir.resolve("photos"));
        CliTestFiles.photo(photos.resolve("good.png"), 1, 20, 20);
        Files.writeString(photos.resolve("bad.jpg"), "not a jpeg");
        Path run = Files.writeString(dir.resolve("run.yaml"), "output: out\nmodels: [{path: cnn.onnx, layers:"
                + " [block_out]}]\nmethods: [GradCAM]\nimages: [photos/]\n");
        assertThat(CliRun.of("batch", run.toString(), "--no-progress").exit()).isEqualTo(CamCli.PARTIAL_FAILURE);
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/summary.json").toFile());
        assertThat(summary.findValuesAsText("error")).singleElement().asString().contains("bad.jpg");
        assertThat(dir.resolve("out/report.html")).content().contains("failed: cannot read image").contains("bad.jpg");
    }

    @Test
    void batchWritesJpegOverlaysOnRequest() throws Exception {
        Path run = Files.writeString(dir.resolve("run.yaml"), "output: out\nformats: [jpg, json, html]\nmodels:"
                + " [{name: m, path: cnn.onnx, layers: [block_out]}]\nmethods: [GradCAM]\nimages: [photo.png]\n");
        ok("batch", run.toString(), "--no-progress");
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/summary.json").toFile());
        String jpg = summary.get(0).get("cams").get(0).get("jpg").asText();
        assertThat(javax.imageio.ImageIO.read(dir.resolve("out").resolve(jpg).toFile()).getWidth()).isEqualTo(20);
        assertThat(dir.resolve("out/report.html")).content().contains("<img src=\"m/photo.GradCAM.");
    }
}
