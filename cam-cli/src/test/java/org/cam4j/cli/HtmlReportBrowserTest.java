package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cam4j.image.ImageFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch report in a real headless Chromium (Debian's {@code chromium}; {@code .ci/run} installs it): every
 * image loads, and a screenshot is taken.
 */
class HtmlReportBrowserTest {
    @TempDir
    Path dir;

    private String runChromium(Path chromium, String... extra) throws Exception {
        return Chromium.run(chromium, dir, 5000, extra);
    }

    @Test
    void everyImageOfTheReportLoadsInChromium() throws Exception {
        Path chromium = Chromium.find();
        assumeTrue(chromium != null, "chromium is not installed (.ci/run installs it)");
        Path photos = Files.createDirectories(dir.resolve("photos"));
        CliTestFiles.photo(photos.resolve("a.png"), 1, 30, 40);
        CliTestFiles.photo(photos.resolve("b.png"), 2, 30, 30);
        Path run = Files.writeString(dir.resolve("run.yaml"),
                "output: out\nmethods: [GradCAM, EigenCAM]\nimages: [photos/]\ntargets: {top_k: 2}\n");
        CliRun r = CliRun.of("batch", run.toString(), "--no-progress");
        assertThat(r.exit()).as(r.err()).isZero();
        Path report = dir.resolve("out/report.html");
        String dom = runChromium(chromium, "--dump-dom", report.toUri().toString());
        Matcher m = Pattern.compile("data-loaded=\"(\\d+)\" data-total=\"(\\d+)\"").matcher(dom);
        assertThat(m.find()).as("status element in the DOM: " + dom.substring(Math.max(0, dom.length() - 400)))
                .isTrue();
        assertThat(Integer.parseInt(m.group(2))).isEqualTo(2 * 2 * 2);
        assertThat(m.group(1)).isEqualTo(m.group(2));
        Path shot = dir.resolve("report.png");
        runChromium(chromium, "--window-size=1000,800", "--screenshot=" + shot, report.toUri().toString());
        assertThat(ImageFiles.read(shot).width()).isEqualTo(1000);
    }
}
