package org.cam4j.cli.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cam4j.engine.CamRequest;
import org.cam4j.engine.ImageExplainer;
import org.cam4j.engine.ImageSegmenter;
import org.cam4j.engine.MethodChoice;
import org.cam4j.engine.store.MemoryStore;
import org.cam4j.image.RgbImage;
import org.cam4j.pipeline.ImagePipeline;
import org.cam4j.tensor.Tensor;

/** A segmenter's answer to {@code POST /api/explain}. */
final class SegmenterAnswer {
    private SegmenterAnswer() {
    }

    /**
     * A segmenter's answer, as {@code cam segment} computes it: the class over the model's own mask (the request's
     * first target names the class, else the largest one other than the background; {@code options.threshold} for a
     * one-channel output), the mask and each method's map at the photo's size.
     */
    static ObjectNode answer(ServeRequest req, long maxPixels, Progress progress) {
        CamServer.Served s = req.model();
        Map<String, String> options = new HashMap<>(req.options());
        float weight = RequestOptions.imageWeight(options);
        options.remove("image_weight");
        double threshold = RequestOptions.number(options, "threshold",
                String.valueOf(ImageSegmenter.DEFAULT_THRESHOLD));
        options.remove("threshold");
        CamRequest request = Answers.request(req, CamRequest.Task.SEGMENTATION,
                RequestOptions.methods(req.methods(), options, false), null, null, weight);
        List<MethodChoice> methods = request.methods();
        ImageExplainer explainer = Answers.explainer(request, s);
        MemoryStore files = new MemoryStore();
        ImageSegmenter segmenter = new ImageSegmenter(explainer, "model '" + s.id() + "'", request.targets().isEmpty()
                ? null : request.targets().get(0), threshold, null, field -> field.equals("class") ? "targets"
                : RequestOptions.FIELDS.of(field));
        ObjectNode out = CamServer.JSON.createObjectNode().put("model", s.id()).put("task", "segmentation");
        ObjectNode cams = CamServer.JSON.createObjectNode();
        ObjectNode seconds = CamServer.JSON.createObjectNode();
        Answers.explainUpload(req, maxPixels, explainer, segmenter, methods, rows -> {
            ImagePipeline.Loaded image = rows.batch().loaded().get(0);
            RgbImage photo = image.image();
            ImageSegmenter.Mask mask = segmenter.mask(image);
            String label = s.labels().name(mask.category());
            if (mask.fraction() == 0) {
                throw new HttpError(400, "the mask of class " + label + " is empty; choose another"
                        + " class (targets) or options.threshold");
            }
            Tensor onPhoto = segmenter.maskOnPhoto(photo, mask);
            out.putObject("image").put("width", photo.width()).put("height", photo.height());
            out.put("class", mask.category()).put("label", label).put("mask_fraction",
                    mask.fraction());
            out.put("mask", Answers.encoded(files, "mask", req.format(), onPhoto, () -> segmenter.maskPicture(photo,
                    onPhoto)));
            return maps -> {
                String name = maps.method().method().name();
                Tensor map = segmenter.onPhoto(photo, maps.result().cams().slice(0));
                cams.put(name, Answers.encoded(files, name, req.format(), map, () -> org.cam4j.image.Overlay
                        .showCamOnImage(segmenter.picture(photo), map, explainer.imageWeight())));
                seconds.put(name, maps.seconds());
                progress.done.incrementAndGet();
            };
        });
        out.set("cams", cams);
        out.set("seconds", seconds);
        return out;
    }
}
