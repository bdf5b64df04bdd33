package org.cam4j.cli.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cam4j.engine.CamRequest;
import org.cam4j.engine.DetectorRefusal;
import org.cam4j.engine.EvaluationRequest;
import org.cam4j.engine.ExplainLoop;
import org.cam4j.engine.ImageExplainer;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.MetricScores;
import org.cam4j.engine.RoadSettings;
import org.cam4j.engine.TargetNames;
import org.cam4j.engine.TargetSpecs;
import org.cam4j.engine.store.MemoryStore;
import org.cam4j.image.RgbImage;
import org.cam4j.metrics.CamMetric;
import org.cam4j.pipeline.CamResult;
import org.cam4j.targets.Target;
import org.cam4j.tensor.Tensor;

/**
 * A classifier's answer to {@code POST /api/explain}: predictions, and per target (the top class by default) each
 * method's map and the metrics the request names.
 */
final class ClassifierAnswer {
    private ClassifierAnswer() {
    }

    /**
     * The explanation of one image, through the engine's loop as {@code cam explain} runs it, with the metrics the
     * request names computed on each method's map as {@code cam evaluate} does.
     */
    static ObjectNode answer(ServeRequest req, long maxPixels, Progress progress) {
        CamServer.Served s = req.model();
        Map<String, String> options = new HashMap<>(req.options());
        float weight = RequestOptions.imageWeight(options);
        Double roadNoise = RequestOptions.optionalNumber(options, "road_noise");
        Long seed = options.containsKey("seed") ? (long) RequestOptions.number(options, "seed", null) : null;
        // "all": every metric that needs no ground truth (a request carries none); none when it names none
        EvaluationRequest evaluation = EvaluationRequest.of(req.metrics(), false, name ->
                EvaluationRequest.needsGroundTruth(name) + ", which cam serve does not take; use 'cam evaluate --masks'"
                + " or '--boxes'", roadNoise, null, seed, RequestOptions.FIELDS);
        RoadSettings road = evaluation.road();
        options.keySet().removeAll(List.of("image_weight", "road_noise", "seed"));
        CamRequest request = Answers.request(req, CamRequest.Task.CLASSIFICATION,
                RequestOptions.methods(req.methods(), options, true), evaluation, null, weight);
        DetectorRefusal.check(s.model(), "model '" + s.id() + "'", request.targets(), DetectorRefusal.Where.SERVE);
        List<CamMetric> metrics = evaluation.metrics();
        // one rule with the CLI's, except that a request never names a file on the server
        List<Target> targets = request.targets().isEmpty() ? List.of(org.cam4j.targets.Targets.topClass())
                : request.targets().stream().map(t -> TargetSpecs.parse(t, s.labels(),
                s.model().output().valuesPerImage(), request.files())).toList();
        ImageExplainer explainer = Answers.explainer(request, s);
        MemoryStore files = new MemoryStore();
        List<MethodChoice> methods = request.methods();
        ObjectNode out = CamServer.JSON.createObjectNode().put("model", s.id());
        // the first target's maps at the top (one target: the whole answer); every target's in "targets" when
        // several are asked for, in the request's order
        List<ObjectNode> perTarget = new ArrayList<>();
        for (int k = 0; k < targets.size(); k++) {
            perTarget.add(k == 0 ? out : CamServer.JSON.createObjectNode());
        }
        ObjectNode seconds = CamServer.JSON.createObjectNode();
        ExplainLoop.TargetRule rule = ExplainLoop.TargetRule.byFile(file -> targets);
        Answers.explainUpload(req, maxPixels, explainer, rule, methods, rows -> {
            RgbImage photo = rows.image(0).image();
            out.putObject("image").put("width", photo.width()).put("height", photo.height());
            return maps -> {
                CamResult r = maps.result();
                String name = maps.method().method().name();
                if (!out.has("predictions")) {
                    ArrayNode p = out.putArray("predictions");
                    explainer.predictions(r.outputs(), Answers.TOP).get(0).forEach(x -> p.addObject()
                            .put("class", x.index()).put("label", x.label())
                            .put("probability", x.probability()));
                    for (int k = 0; k < perTarget.size(); k++) {
                        ObjectNode answer = perTarget.get(k);
                        answer.put("target", TargetNames.targetLabel(r.targets().get(k), s.labels()));
                        answer.putObject("cams");
                        if (k == 0) {
                            answer.set("seconds", seconds);
                        }
                        if (!metrics.isEmpty()) {
                            answer.putObject("metrics");
                        }
                    }
                }
                Map<String, double[]> scores = MetricScores.scores(metrics, explainer, maps.method(), rows.input(), r,
                        road, Map.of());
                for (int k = 0; k < perTarget.size(); k++) {
                    ObjectNode answer = perTarget.get(k);
                    Tensor cam = r.cams().slice(k);
                    ((ObjectNode) answer.get("cams")).put(name, Answers.encoded(files, "target" + k + "." + name,
                            req.format(), cam, () -> explainer.overlay(photo, cam)));
                    if (!metrics.isEmpty()) {
                        int row = k;
                        ObjectNode methodScores = ((ObjectNode) answer.get("metrics")).putObject(name);
                        scores.forEach((metric, v) -> methodScores.put(metric, v[row]));
                    }
                }
                seconds.put(name, maps.seconds());
                progress.done.incrementAndGet();
            };
        });
        if (perTarget.size() > 1) {
            ArrayNode all = out.putArray("targets");
            all.addObject().put("target", out.get("target").asText()).set("cams", out.get("cams"));
            if (out.has("metrics")) {
                ((ObjectNode) all.get(0)).set("metrics", out.get("metrics"));
            }
            perTarget.subList(1, perTarget.size()).forEach(all::add);
        }
        return out;
    }
}
