package org.cam4j.onnx.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A read-only index over an ONNX model's main graph: who produces and who consumes each tensor, the
 * initializers, and the default-domain opset.
 */
public final class OnnxGraph {
    private final ModelProto model;
    private final Map<String, NodeProto> producer = new HashMap<>();
    private final Map<String, Integer> nodeIndex = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Set<String> graphInputs = new HashSet<>();
    private final int opset;

    /** Indexes the model's main graph. */
    public OnnxGraph(ModelProto model) {
        this.model = model;
        GraphProto g = model.getGraph();
        for (TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (ValueInfoProto v : g.getInputList()) {
            if (!initializers.containsKey(v.getName())) {
                graphInputs.add(v.getName());
            }
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            for (String out : n.getOutputList()) {
                if (!out.isEmpty()) {
                    producer.put(out, n);
                    nodeIndex.put(out, i);
                }
            }
            for (String in : inputsOf(n)) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
        this.opset = opsetOf(model);
    }

    /** The default domain's opset version a model imports (0 when it imports none). */
    public static int opsetOf(ModelProto model) {
        int version = 0;
        for (OperatorSetIdProto op : model.getOpsetImportList()) {
            if (op.getDomain().isEmpty() || op.getDomain().equals("ai.onnx")) {
                version = (int) op.getVersion();
            }
        }
        return version;
    }

    /**
     * What a node reads: its inputs, and for a node with subgraphs (If, Loop, Scan; torchvision's detectors branch
     * on whether any box is left) also the tensors of this graph its subgraphs read by name.
     */
    public static List<String> inputsOf(NodeProto n) {
        if (n.getAttributeList().stream().noneMatch(a -> a.hasG() || a.getGraphsCount() > 0)) {
            return n.getInputList();
        }
        List<String> out = new ArrayList<>(n.getInputList());
        for (var a : n.getAttributeList()) {
            if (a.hasG()) {
                outerNames(a.getG(), out);
            }
            a.getGraphsList().forEach(g -> outerNames(g, out));
        }
        return out;
    }

    /** Adds the names a subgraph reads that it neither computes nor declares (its outer scope's). */
    private static void outerNames(GraphProto g, List<String> out) {
        Set<String> own = new HashSet<>();
        g.getInputList().forEach(v -> own.add(v.getName()));
        g.getInitializerList().forEach(t -> own.add(t.getName()));
        for (NodeProto n : g.getNodeList()) {
            for (String in : inputsOf(n)) {
                if (!in.isEmpty() && !own.contains(in) && !out.contains(in)) {
                    out.add(in);
                }
            }
            own.addAll(n.getOutputList());
        }
    }

    /** The element types of this graph's tensors, inferred once. */
    public ElementTypes elementTypes() {
        ElementTypes known = elementTypes;
        if (known == null) {
            known = new ElementTypes(this);
            elementTypes = known;
        }
        return known;
    }

    private volatile ElementTypes elementTypes;

    /** The model indexed. */
    public ModelProto model() {
        return model;
    }

    /** The model's main graph. */
    public GraphProto graph() {
        return model.getGraph();
    }

    /** The main graph's nodes, in their (topological) order. */
    public List<NodeProto> nodes() {
        return model.getGraph().getNodeList();
    }

    /** The default domain's opset version. */
    public int opset() {
        return opset;
    }

    /** The node computing the tensor, or null for inputs and initializers. */
    public NodeProto producer(String tensor) {
        return producer.get(tensor);
    }

    /** Position of the node producing {@code tensor} in the graph's (topological) node list, -1 for inputs. */
    public int position(String tensor) {
        return nodeIndex.getOrDefault(tensor, -1);
    }

    /** The nodes reading the tensor (their subgraphs' reads included). */
    public List<NodeProto> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    /** Whether the tensor is an initializer (a weight). */
    public boolean isInitializer(String tensor) {
        return initializers.containsKey(tensor);
    }

    /** The initializer of this name, or null. */
    public TensorProto initializer(String tensor) {
        return initializers.get(tensor);
    }

    /** Whether the tensor is a graph input that no initializer backs. */
    public boolean isGraphInput(String tensor) {
        return graphInputs.contains(tensor);
    }

    /** Whether {@code tensor} is made by a node, an initializer or a graph input of this graph. */
    public boolean exists(String tensor) {
        return producer.containsKey(tensor) || initializers.containsKey(tensor) || graphInputs.contains(tensor);
    }

    /** The model's real (non-initializer) inputs. */
    public List<ValueInfoProto> inputs() {
        List<ValueInfoProto> out = new ArrayList<>();
        for (ValueInfoProto v : model.getGraph().getInputList()) {
            if (!initializers.containsKey(v.getName())) {
                out.add(v);
            }
        }
        return out;
    }

    /** The main graph's outputs. */
    public List<ValueInfoProto> outputs() {
        return model.getGraph().getOutputList();
    }

    /** Every tensor name made by a node, in graph order. */
    public List<String> nodeOutputs() {
        List<String> out = new ArrayList<>();
        for (NodeProto n : nodes()) {
            for (String o : n.getOutputList()) {
                if (!o.isEmpty()) {
                    out.add(o);
                }
            }
        }
        return out;
    }
}
