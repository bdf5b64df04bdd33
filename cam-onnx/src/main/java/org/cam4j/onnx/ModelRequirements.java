package org.cam4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.cam4j.onnx.graph.OnnxGraph;
import org.cam4j.errors.InvalidModelException;

/**
 * What an ONNX model must be for cam4j to explain it: opset 9 or later, one float32 input of four dimensions, and
 * only ops that ONNX Runtime's standard build runs. Each refusal is one line naming the file and the fix.
 */
final class ModelRequirements {
    private ModelRequirements() {
    }

    static void check(Path path, OnnxGraph graph) {
        if (graph.opset() < 9) {
            throw new InvalidModelException(path + " uses ONNX opset " + graph.opset() + "; cam4j reads opset 9 and"
                    + " later, re-export with opset_version >= 9 (17 recommended)");
        }
        if (graph.inputs().size() != 1) {
            throw new InvalidModelException(path + " has " + graph.inputs().size() + " inputs; cam4j explains"
                    + " single-input image models");
        }
        int elem = graph.inputs().get(0).getType().getTensorType().getElemType();
        if (elem != TensorProto.DataType.FLOAT.getNumber()) {
            throw new InvalidModelException(path + ": input '" + graph.inputs().get(0).getName() + "' is "
                    + TensorProto.DataType.forNumber(elem) + "; cam4j feeds float32 images,"
                    + " re-export the model with a float input");
        }
        var inputType = graph.inputs().get(0).getType().getTensorType();
        if (inputType.hasShape() && inputType.getShape().getDimCount() != 4) {
            throw new InvalidModelException(path + ": input '" + graph.inputs().get(0).getName() + "' has "
                    + inputType.getShape().getDimCount() + " dimensions; cam4j explains image models, whose input is"
                    + " N x C x H x W or N x H x W x C (or one image, C x H x W or H x W x C, with 1 or 3 channels)");
        }
        requireStandardOps(path, graph.model());
    }

    /** Domains ONNX Runtime's standard build implements. */
    private static final Set<String> STANDARD_DOMAINS = Set.of("", "ai.onnx", "ai.onnx.ml", "com.microsoft");

    /** Ops of custom domains (not defined as functions in the model) cannot run: named up front. */
    private static void requireStandardOps(Path path, ModelProto model) {
        Set<String> functions = new HashSet<>();
        model.getFunctionsList().forEach(f -> functions.add(f.getDomain() + "/" + f.getName()));
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (!STANDARD_DOMAINS.contains(n.getDomain()) && !functions.contains(n.getDomain() + "/" + n.getOpType())) {
                throw new InvalidModelException(path + " uses op '" + n.getOpType() + "' of custom domain '"
                        + n.getDomain() + "' (node '" + n.getName() + "'), which ONNX Runtime's standard build does not"
                        + " run; re-export the model with standard ONNX ops");
            }
        }
    }
}
