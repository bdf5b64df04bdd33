package org.cam4j.cli;

import org.cam4j.engine.DefaultModel;
import org.cam4j.engine.ModelOpening;
import org.cam4j.engine.ModelSettings;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cam4j.image.ImageFiles;
import org.cam4j.image.Preprocessing;
import org.cam4j.model.ExplainableModel;
import org.cam4j.model.ModelOptions;
import org.cam4j.pipeline.Cam;
import org.cam4j.spi.CamOptions;
import org.cam4j.spi.Backends;
import org.cam4j.spi.Methods;
import org.cam4j.targets.Targets;
import org.cam4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 1,000 {@code Cam.compute} calls in one JVM on the bundled model keep resident memory flat: native sessions and
 * tensors are closed. The calls run in a JVM of fixed heap (so heap sizing is not mistaken for growth), after 1,000
 * warm-up calls that touch the heap. Tagged {@code soak}: not in every build; run it with
 * {@code ./mvnw verify -pl cam-cli -am -Dcam4j.test.groups=soak -Dcam4j.test.excluded=none
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("soak")
class SoakTest {
    private static final int CALLS = 1000;
    private static final long MAX_GROWTH_MB = 16;

    @Test
    void residentMemoryStaysFlatOverAThousandCams() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xms256m", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), Calls.class.getName()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        long[] kb = output.lines().filter(l -> l.startsWith("rss ")).mapToLong(l -> Long.parseLong(l.substring(4)))
                .toArray();
        long growthMb = (kb[1] - kb[0]) / 1024;
        System.out.printf("soak: %d Cam.compute calls after %d warm-up calls: resident %d MB -> %d MB (%+d MB)%n",
                CALLS, CALLS, kb[0] / 1024, kb[1] / 1024, growthMb);
        assertThat(growthMb).isLessThan(MAX_GROWTH_MB);
    }

    /** The measured JVM: warm-up calls, resident size, the measured calls, resident size. */
    static final class Calls {
        public static void main(String[] args) throws Exception {
            Preprocessing pre = new Preprocessing(32, 32, 0, 0, 255f, new float[] {0, 0, 0}, new float[] {1, 1, 1},
                    org.cam4j.tensor.Layout.NCHW);
            Tensor batch = pre.batch(List.of(ImageFiles.read(DefaultModel.image())));
            try (ExplainableModel model = Backends.choose(DefaultModel.model(), null).open(DefaultModel.model(),
                    ModelOptions.defaults())) {
                String layer = ModelOpening.layersOrDefault(null, ModelSettings.beside(DefaultModel.model()), model)
                        .get(0);
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < CALLS; i++) {
                        // a new Cam per call, as a server or a batch run makes them
                        try (Cam cam = new Cam(model, Methods.get(i % 2 == 0 ? "GradCAM" : "EigenCAM"),
                                List.of(layer), CamOptions.defaults())) {
                            cam.compute(batch, Targets.topClass(1));
                        }
                    }
                    System.gc();
                    System.out.println("rss " + residentKb());
                }
            }
        }

        private static long residentKb() throws Exception {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
            throw new IllegalStateException("no VmRSS in /proc/self/status");
        }
    }
}
