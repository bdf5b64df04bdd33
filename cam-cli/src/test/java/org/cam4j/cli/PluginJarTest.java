package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.tensor.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CAM method compiled into its own jar during the test is found, listed and run with no change to cam4j. */
class PluginJarTest {
    @TempDir
    Path dir;

    private Path buildPluginJar() {
        return org.cam4j.testdata.PluginJars.meanActivationCam(dir, true);
    }

    private Path buildPluginJar(boolean registered) {
        return org.cam4j.testdata.PluginJars.meanActivationCam(dir, registered);
    }

    @Test
    void pluginJarIsDiscoveredListedAndRuns() throws Exception {
        Path jar = buildPluginJar();
        assertThat(CliRun.of("methods").out()).doesNotContain("MeanActivationCAM");
        System.setProperty("cam4j.plugins", jar.getParent().toString());
        try {
            CliRun list = CliRun.of("methods");
            assertThat(list.out()).contains("MeanActivationCAM").contains("channel mean of the activations");
            Path npy = dir.resolve("x.npy");
            Npy.write(npy, org.cam4j.tensor.Tensor.zeros(1, 3, 16, 16));
            Path model = CliTestFiles.cnn(dir);
            CliRun run = CliRun.of("explain", "--model", model.toString(), "--input", npy.toString(), "--method",
                    "mean-activation-cam", "--save-npy", dir.resolve("cam.npy").toString());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(Npy.read(dir.resolve("cam.npy")).shape()).containsExactly(1, 16, 16);
        } finally {
            System.clearProperty("cam4j.plugins");
        }
        assertThat(List.of(CliRun.of("explain", "--method", "MeanActivationCAM").err())).allMatch(e -> e.contains(
                "unknown method"));
    }

    @Test
    void aPluginJarMissingAClassItNeedsIsAOneLineError() throws Exception {
        Path jar = org.cam4j.testdata.PluginJars.meanActivationCamWithoutItsHelper(dir);
        Path npy = dir.resolve("x.npy");
        Npy.write(npy, org.cam4j.tensor.Tensor.zeros(1, 3, 16, 16));
        Path model = CliTestFiles.cnn(dir);
        System.setProperty("cam4j.plugins", jar.toString());
        try {
            CliRun run = CliRun.of("explain", "--model", model.toString(), "--input", npy.toString(), "--method",
                    "MeanActivationCAM", "--save-npy", dir.resolve("cam.npy").toString());
            assertThat(run.exit()).isEqualTo(CamCli.BAD_INPUT);
            assertThat(run.err().lines().toList()).hasSize(1);
            assertThat(run.err()).startsWith("cam: error: a class a plugin needs cannot load (NoClassDefFoundError:"
                    + " example.Helper)").contains("add the missing jar");
            assertThat(dir.resolve("cam.npy")).doesNotExist();
            assertThat(CliRun.of("explain", "--model", model.toString(), "--input", npy.toString(), "--method",
                    "MeanActivationCAM", "--save-npy", dir.resolve("cam.npy").toString(), "--verbose").err())
                    .contains("at example.MeanActivationCam.camImage");
        } finally {
            System.clearProperty("cam4j.plugins");
        }
    }

    /** cam serve says the same as a 500 (it said "internal error" with the JVM's message) and stays up. */
    @Test
    void aServedPluginMissingAClassItNeedsIsNamedInThe500AndTheServerStaysUp() throws Exception {
        Path jar = org.cam4j.testdata.PluginJars.meanActivationCamWithoutItsHelper(dir);
        Path model = CliTestFiles.cnn(dir);
        Path photo = org.cam4j.testdata.TestFiles.randomPhoto(dir.resolve("photo.png"), 1, 16, 16);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        System.setProperty("cam4j.plugins", jar.toString());
        thread.setContextClassLoader(Plugins.loader(previous, new java.io.PrintWriter(new java.io.StringWriter())));
        org.cam4j.engine.ModelSettings settings = org.cam4j.engine.ModelSettings.beside(model);
        try (org.cam4j.model.ExplainableModel served = org.cam4j.spi.Backends.choose(model, null).open(model,
                org.cam4j.model.ModelOptions.defaults());
             org.cam4j.cli.serve.CamServer server = org.cam4j.cli.serve.CamServer.start("127.0.0.1", 0, List.of(
                     new org.cam4j.cli.serve.CamServer.Served("cnn", model, served, settings,
                             org.cam4j.engine.Labels.none(), org.cam4j.engine.PreprocessingRequest.NONE.resolve(
                                     settings, served, org.cam4j.engine.FieldNames.CLI, org.cam4j.engine.FieldNames.CLI))),
                     new org.cam4j.cli.serve.CamServer.Limits(2, 60, 1 << 22, 10_000_000))) {
            java.net.http.HttpResponse<String> broken = post(server, photo, "MeanActivationCAM");
            assertThat(broken.statusCode()).isEqualTo(500);
            assertThat(broken.body()).contains("a class a plugin needs cannot load (NoClassDefFoundError:"
                    + " example.Helper)").contains("add the missing jar");
            assertThat(post(server, photo, "GradCAM").statusCode()).isEqualTo(200);
        } finally {
            thread.setContextClassLoader(previous);
            System.clearProperty("cam4j.plugins");
        }
    }

    private static java.net.http.HttpResponse<String> post(org.cam4j.cli.serve.CamServer server, Path photo,
                                                           String method) throws Exception {
        String body = "{\"image\": \"" + java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(photo))
                + "\", \"methods\": [\"" + method + "\"], \"layers\": [\"block_out\"]}";
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + server.port() + "/api/explain")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPluginJarThatRegistersNothingIsNamedInAWarning() throws Exception {
        Path jar = buildPluginJar(false);
        System.setProperty("cam4j.plugins", jar.toString());
        try {
            CliRun list = CliRun.of("methods");
            assertThat(list.exit()).isZero();
            assertThat(list.out()).doesNotContain("MeanActivationCAM");
            assertThat(list.err()).contains("cam: warning: plugin " + jar + " registers no cam4j provider")
                    .contains("annotationProcessorPaths");
        } finally {
            System.clearProperty("cam4j.plugins");
        }
        System.setProperty("cam4j.plugins", buildPluginJar(true).toString());
        try {
            assertThat(CliRun.of("methods").err()).doesNotContain("warning");
        } finally {
            System.clearProperty("cam4j.plugins");
        }
    }

    @Test
    void camPluginsListsEachJarWithWhatItContributes() throws Exception {
        Path empty = Files.copy(buildPluginJar(false), dir.resolve("empty-plugin.jar"));
        Path good = buildPluginJar(true);
        System.setProperty("cam4j.plugins", good + java.io.File.pathSeparator + empty);
        try {
            CliRun text = CliRun.of("plugins");
            assertThat(text.exit()).as(text.err()).isZero();
            assertThat(text.out()).contains(good.toString()).containsPattern(
                    "CamMethod\\s+MeanActivationCAM\\s+example.MeanActivationCam");
            assertThat(text.out().substring(text.out().indexOf(empty.toString())))
                    .contains("registers no cam4j provider").contains("annotationProcessorPaths");
            com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(CliRun.of("plugins", "--json").out());
            com.fasterxml.jackson.databind.JsonNode first = json.findValues("jar").stream()
                    .filter(j -> j.asText().equals(good.toString())).findFirst().orElseThrow();
            assertThat(first).isNotNull();
            assertThat(json.toString()).contains("\"kind\":\"CamMethod\",\"name\":\"MeanActivationCAM\"")
                    .contains("\"problem\"");
        } finally {
            System.clearProperty("cam4j.plugins");
        }
    }
}
