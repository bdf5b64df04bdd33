package org.cam4j.tensorflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.cam4j.errors.InvalidModelException;

/**
 * What a model path holds, read from its protos: a SavedModel directory ({@code saved_model.pb}, a meta graph per
 * tag set, signatures, the variables checkpoint) or a frozen GraphDef file ({@code .pb}, constants only). Picks the
 * meta graph with the tag and the signature, and names the graph's input, output and checkpoint.
 *
 * @param graph the graph, calls not yet inlined
 * @param input the image input tensor ({@code name:0})
 * @param output the model output tensor
 * @param checkpoint {@code <dir>/variables/variables}, or null for a frozen graph
 * @param restoreOp the op that restores the variables (fed the checkpoint), or null
 * @param filenameTensor the tensor the checkpoint path is fed to, or null
 * @param initOp the SavedModel's init op, or null
 */
record SavedModelFile(GraphDef graph, String input, String output, String checkpoint, String restoreOp,
                      String filenameTensor, String initOp) {
    static final String SAVED_MODEL = "saved_model.pb";
    private static final String INIT_OP = "__saved_model_init_op";
    /** The ops that hold a variable whose value lives in the checkpoint ({@code variables/}). */
    private static final java.util.Set<String> VARIABLE_OPS = java.util.Set.of("VarHandleOp", "VariableV2",
            "Variable");

    static boolean isSavedModel(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve(SAVED_MODEL));
    }

    static SavedModelFile read(Path path, String tag, String signature) {
        if (Files.isDirectory(path)) {
            if (!isSavedModel(path)) {
                throw new InvalidModelException(path + " is a folder without " + SAVED_MODEL + ", so not a"
                        + " SavedModel; give the SavedModel folder (the one holding saved_model.pb and variables/)");
            }
            return savedModel(path, tag, signature);
        }
        return frozen(path);
    }

    private static SavedModelFile savedModel(Path dir, String tag, String signatureName) {
        SavedModel saved;
        try (InputStream in = Files.newInputStream(dir.resolve(SAVED_MODEL))) {
            saved = SavedModel.parseFrom(in);
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelException("cannot read " + dir.resolve(SAVED_MODEL) + " as a SavedModel ("
                    + e.getMessage() + ")");
        }
        MetaGraphDef meta = null;
        TreeSet<String> tags = new TreeSet<>();
        for (MetaGraphDef m : saved.getMetaGraphsList()) {
            tags.addAll(m.getMetaInfoDef().getTagsList());
            if (m.getMetaInfoDef().getTagsList().contains(tag)) {
                meta = m;
            }
        }
        if (meta == null) {
            throw new InvalidModelException(dir + " has no meta graph tagged '" + tag + "'; its tags: " + tags
                    + " (choose one with the tag option)").naming("tag");
        }
        SignatureDef signature = meta.getSignatureDefMap().get(signatureName);
        if (signature == null) {
            throw new InvalidModelException(dir + " has no signature '" + signatureName + "' under tag '" + tag
                    + "'; its signatures: " + new TreeSet<>(meta.getSignatureDefMap().keySet())
                    + " (choose one with the signature option)").naming("signature");
        }
        String input = single(signature.getInputsMap(), "input", dir, signatureName);
        String output = single(signature.getOutputsMap(), "output", dir, signatureName);
        Path variables = dir.resolve("variables").resolve("variables");
        boolean hasVariables = Files.isRegularFile(dir.resolve("variables").resolve("variables.index"));
        long variableNodes = meta.getGraphDef().getNodeList().stream()
                .filter(n -> VARIABLE_OPS.contains(n.getOp())).count();
        if (!hasVariables && variableNodes > 0) {
            // without its checkpoint the graph runs with uninitialised weights and fails inside TensorFlow
            throw new InvalidModelException(dir + " has no variables/variables.index, but its graph holds "
                    + variableNodes + " variables; copy the whole SavedModel folder (saved_model.pb with its"
                    + " variables/ folder)");
        }
        String restore = meta.hasSaverDef() && hasVariables ? meta.getSaverDef().getRestoreOpName() : null;
        String filename = meta.hasSaverDef() && hasVariables ? meta.getSaverDef().getFilenameTensorName() : null;
        boolean init = meta.getGraphDef().getNodeList().stream().anyMatch(n -> n.getName().equals(INIT_OP));
        return new SavedModelFile(meta.getGraphDef(), input, output, hasVariables ? variables.toString() : null,
                restore, filename, init ? INIT_OP : null);
    }

    private static String single(Map<String, TensorInfo> tensors, String what, Path dir, String signature) {
        if (tensors.size() != 1) {
            throw new InvalidModelException("signature '" + signature + "' of " + dir + " has " + tensors.size()
                    + " " + what + "s " + tensors.keySet() + "; cam4j explains single-input, single-output image"
                    + " models (choose another with the signature option)").naming("signature");
        }
        return tensors.values().iterator().next().getName();
    }

    /** A frozen GraphDef: its one float Placeholder is the input, its one node without consumers the output. */
    private static SavedModelFile frozen(Path file) {
        GraphDef graph;
        try (InputStream in = Files.newInputStream(file)) {
            graph = GraphDef.parseFrom(in);
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelException("cannot read " + file + " as a TensorFlow GraphDef (" + e.getMessage()
                    + "); give a SavedModel folder or a frozen graph .pb");
        }
        if (graph.getNodeCount() == 0) {
            throw new InvalidModelException(file + " holds no TensorFlow graph; give a SavedModel folder or a"
                    + " frozen graph .pb");
        }
        List<String> placeholders = new ArrayList<>();
        java.util.Set<String> consumed = new java.util.HashSet<>();
        for (NodeDef n : graph.getNodeList()) {
            if (n.getOp().equals("Placeholder")) {
                placeholders.add(n.getName());
            }
            n.getInputList().forEach(i -> consumed.add(FunctionInliner.nodeName(i)));
        }
        List<String> sinks = graph.getNodeList().stream().filter(n -> !consumed.contains(n.getName())
                && !n.getOp().equals("NoOp") && !n.getOp().equals("Const")).map(NodeDef::getName).toList();
        if (placeholders.size() != 1 || sinks.size() != 1) {
            throw new InvalidModelException(file + " has inputs " + placeholders + " and outputs " + sinks
                    + "; cam4j explains frozen graphs with one input and one output");
        }
        return new SavedModelFile(graph, placeholders.get(0) + ":0", sinks.get(0) + ":0", null, null, null, null);
    }
}
