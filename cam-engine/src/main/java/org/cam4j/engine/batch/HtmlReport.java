package org.cam4j.engine.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.cam4j.spi.CamMethod;

/**
 * The batch run's report: one row per (model, image), one column per method, each cell the overlays of that
 * image's targets. Image paths are relative to the report. A script records in {@code #status} how many images
 * loaded, for the browser test.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /** The report's HTML for a run's summary, its image paths relative to {@code out}. */
    public static String render(JsonNode summary, Path out, List<CamMethod> methods) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>cam4j report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:6px;vertical-align:top;text-align:center}")
                .append("img{width:160px;height:auto;display:block;margin:auto}figure{margin:0 0 6px 0}")
                .append("figcaption{font-size:12px}.pred{font-size:12px;text-align:left}.error{color:#a00;text-align:left}")
                .append("</style></head><body>\n")
                .append("<h1>cam4j report</h1>\n<p>").append(summary.size()).append(" image(s)")
                .append(failed(summary) == 0 ? "" : " (" + failed(summary) + " failed)").append(", ")
                .append(methods.size()).append(" method(s).</p>\n<table>\n<tr><th>model</th><th>image</th><th>predictions / detections</th>");
        for (CamMethod m : methods) {
            h.append("<th>").append(escape(m.name())).append("</th>");
        }
        h.append("</tr>\n");
        for (JsonNode rec : summary) {
            h.append("<tr><td>").append(escape(rec.path("model").asText())).append("</td><td>")
                    .append(escape(Path.of(rec.path("image").asText()).getFileName().toString()))
                    .append("</td><td class=\"pred\">");
            for (JsonNode d : rec.path("detections")) {
                h.append(escape(d.path("label").asText())).append(String.format(" %.3f", d.path("score")
                        .asDouble())).append("<br>");
            }
            for (JsonNode p : rec.path("predictions")) {
                h.append(escape(p.path("label").asText())).append(String.format(" %.3f", p.path("probability")
                        .asDouble())).append("<br>");
            }
            h.append("</td>");
            if (rec.has("error")) {
                h.append("<td class=\"error\" colspan=\"").append(methods.size()).append("\">failed: ")
                        .append(escape(rec.get("error").asText())).append("</td></tr>\n");
                continue;
            }
            for (CamMethod m : methods) {
                h.append("<td>");
                for (JsonNode cam : rec.path("cams")) {
                    String picture = cam.has("png") ? "png" : "jpg";
                    if (cam.path("method").asText().equals(m.name()) && cam.has(picture)) {
                        h.append("<figure><img src=\"").append(escape(cam.get(picture).asText())).append("\" alt=\"")
                                .append(escape(m.name() + " " + cam.path("label").asText())).append("\"><figcaption>")
                                .append(escape(cam.path("label").asText()));
                        cam.path("metrics").fields().forEachRemaining(e -> h.append("<br>").append(escape(e.getKey()))
                                .append(String.format(" %.3f", e.getValue().asDouble())));
                        h.append("</figcaption></figure>");
                    }
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<div id=\"status\">loading</div>\n<script>\nwindow.addEventListener('load', function () {\n")
                .append("  var imgs = Array.from(document.images);\n")
                .append("  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;\n")
                .append("  var s = document.getElementById('status');\n")
                .append("  s.setAttribute('data-loaded', ok); s.setAttribute('data-total', imgs.length);\n")
                .append("  s.textContent = ok + ' of ' + imgs.length + ' images loaded';\n});\n</script>\n</body></html>\n");
        return h.toString();
    }

    private static int failed(JsonNode summary) {
        int n = 0;
        for (JsonNode rec : summary) {
            n += rec.has("error") ? 1 : 0;
        }
        return n;
    }

    /** Text made safe inside HTML elements and attributes. */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
