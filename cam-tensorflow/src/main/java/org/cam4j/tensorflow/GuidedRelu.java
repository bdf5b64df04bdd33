package org.cam4j.tensorflow;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * Guided backpropagation on a TensorFlow graph, whose ReLU gradient cannot be swapped per graph: a copy of the graph
 * where every ReLU's output goes through a {@code Snapshot} (an identity) named {@code cam4j_guided/...}, whose
 * gradient, registered once for this process, lets only positive gradients through; the ReLU's own gradient keeps
 * only positive inputs. Together: the guided ReLU rule. Snapshot ops not named so keep the identity gradient.
 */
final class GuidedRelu {
    static final String PREFIX = "cam4j_guided/";
    private static boolean registered;

    private GuidedRelu() {
    }

    /** Registers the Snapshot gradient (once per process). */
    static synchronized void register() {
        if (registered) {
            return;
        }
        boolean ok = TensorFlow.registerCustomGradient("Snapshot", (tf, op, grads) -> {
            @SuppressWarnings("unchecked")
            Operand<TFloat32> dy = (Operand<TFloat32>) grads.get(0);
            if (!op.name().startsWith(PREFIX)) {
                return List.of(dy);
            }
            Operand<TFloat32> positive = tf.dtypes.cast(tf.math.greater(dy, tf.constant(0f)), TFloat32.class);
            return List.of(tf.math.mul(dy, positive));
        });
        if (!ok) {
            throw new UnsupportedOperationException("guided backpropagation needs to register a gradient for"
                    + " TensorFlow's Snapshot op, and one is registered already");
        }
        registered = true;
    }

    /** The graph with a guided Snapshot after every Relu, its consumers reading the Snapshot instead. */
    static GraphDef rewrite(GraphDef def) {
        Map<String, String> replaced = new HashMap<>();
        for (NodeDef n : def.getNodeList()) {
            if (n.getOp().equals("Relu")) {
                replaced.put(n.getName(), PREFIX + n.getName());
            }
        }
        GraphDef.Builder b = def.toBuilder().clearNode();
        for (NodeDef n : def.getNodeList()) {
            NodeDef.Builder nb = n.toBuilder().clearInput();
            for (String in : n.getInputList()) {
                boolean control = in.startsWith("^");
                String node = FunctionInliner.nodeName(in);
                boolean firstOutput = !in.contains(":") || in.endsWith(":0");
                nb.addInput(!control && firstOutput && replaced.containsKey(node) ? replaced.get(node) : in);
            }
            b.addNode(nb);
            if (replaced.containsKey(n.getName())) {
                b.addNode(NodeDef.newBuilder().setName(replaced.get(n.getName())).setOp("Snapshot")
                        .addInput(n.getName()).putAttr("T", n.getAttrOrThrow("T")));
            }
        }
        return b.build();
    }
}
