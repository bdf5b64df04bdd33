import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.cam4j.engine.Explainer;
import org.cam4j.targets.ClassifierOutputTarget;

public class ExplainPhoto {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);                        // e.g. resnet50.onnx, with resnet50.yaml beside it
        BufferedImage photo = ImageIO.read(new File(args[1]));
        try (Explainer explainer = Explainer.builder(model).method("GradCAM").build()) {
            Explainer.Explanation top = explainer.explain(photo);                          // its top class
            Explainer.Explanation chosen = explainer.explain(photo, new ClassifierOutputTarget(5));
            ImageIO.write(chosen.overlay(), "png", new File(args[2]));                    // at the photo's size
            System.out.println(top.predictions().get(0) + " at layers " + explainer.layers());
        }
    }
}
