package org.cam4j.tensorflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Inlines function calls ({@code StatefulPartitionedCall}, {@code PartitionedCall}, or a node whose op is a library
 * function) that the given tensors depend on, so that what Keras hides inside functions becomes ordinary graph
 * nodes: a body node {@code n} of a call {@code C} becomes {@code C/n}, the function's arguments become the call's
 * inputs, {@code node:out_arg:i} references become flat output indices, and the call node itself becomes an
 * {@code IdentityN} of the function's results under the same name (so {@code C:0} still means the first result).
 * Calls the tensors do not depend on (a SavedModel's save and restore functions) are left as they are; the
 * function library stays in the graph for them.
 */
final class FunctionInliner {
    private static final Set<String> CALL_OPS = Set.of("StatefulPartitionedCall", "PartitionedCall");

    private final Map<String, FunctionDef> functions = new HashMap<>();
    private final Map<String, OpDef> ops;

    FunctionInliner(GraphDef graph, Map<String, OpDef> registeredOps) {
        graph.getLibrary().getFunctionList().forEach(f -> functions.put(f.getSignature().getName(), f));
        this.ops = registeredOps;
    }

    /** The graph with every call on the way to {@code tensors} (names such as {@code node:0}) inlined, recursively. */
    GraphDef inline(GraphDef graph, List<String> tensors) {
        Map<String, NodeDef> nodes = new java.util.LinkedHashMap<>();
        graph.getNodeList().forEach(n -> nodes.put(n.getName(), n));
        Deque<String> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        tensors.forEach(t -> todo.add(nodeName(t)));
        while (!todo.isEmpty()) {
            String name = todo.poll();
            if (!seen.add(name)) {
                continue;
            }
            NodeDef n = nodes.get(name);
            if (n == null) {
                continue;
            }
            FunctionDef f = calledFunction(n);
            if (f != null) {
                List<NodeDef> body = inlineCall(n, f);
                nodes.remove(name);
                for (NodeDef b : body) {
                    nodes.put(b.getName(), b);
                }
                seen.remove(name);
                todo.add(name); // the IdentityN that replaced the call, and through it the body
                continue;
            }
            for (String in : n.getInputList()) {
                todo.add(nodeName(in));
            }
        }
        return graph.toBuilder().clearNode().addAllNode(nodes.values()).build();
    }

    private FunctionDef calledFunction(NodeDef n) {
        if (CALL_OPS.contains(n.getOp()) && n.containsAttr("f")) {
            return functions.get(n.getAttrOrThrow("f").getFunc().getName());
        }
        return functions.get(n.getOp());
    }

    /** The call's body under its name, and the IdentityN that takes the call's place. */
    private List<NodeDef> inlineCall(NodeDef call, FunctionDef f) {
        String prefix = call.getName() + "/";
        Map<String, String> args = new HashMap<>();
        List<String> dataInputs = call.getInputList().stream().filter(i -> !i.startsWith("^")).toList();
        List<String> controlInputs = call.getInputList().stream().filter(i -> i.startsWith("^")).toList();
        for (int i = 0; i < f.getSignature().getInputArgCount(); i++) {
            args.put(f.getSignature().getInputArg(i).getName(), dataInputs.get(i));
        }
        Map<String, NodeDef> body = new HashMap<>();
        f.getNodeDefList().forEach(n -> body.put(n.getName(), n));
        List<NodeDef> out = new ArrayList<>();
        for (NodeDef n : f.getNodeDefList()) {
            NodeDef.Builder b = n.toBuilder().setName(prefix + n.getName()).clearInput().clearDevice();
            boolean hasData = false;
            for (String in : n.getInputList()) {
                if (in.startsWith("^")) {
                    String target = in.substring(1);
                    b.addInput("^" + (args.containsKey(target) ? nodeName(args.get(target)) : prefix + target));
                } else {
                    b.addInput(reference(in, args, body, prefix));
                    hasData = true;
                }
            }
            if (!hasData) {
                controlInputs.forEach(b::addInput);
            }
            out.add(b.build());
        }
        NodeDef.Builder identity = NodeDef.newBuilder().setName(call.getName()).setOp("IdentityN");
        AttrValue.ListValue.Builder types = AttrValue.ListValue.newBuilder();
        for (int i = 0; i < f.getSignature().getOutputArgCount(); i++) {
            OpDef.ArgDef arg = f.getSignature().getOutputArg(i);
            identity.addInput(reference(f.getRetOrThrow(arg.getName()), args, body, prefix));
            types.addType(call.containsAttr("Tout") ? call.getAttrOrThrow("Tout").getList().getType(i) : arg.getType());
        }
        identity.putAttr("T", AttrValue.newBuilder().setList(types).build());
        out.add(identity.build());
        return out;
    }

    /** A body input ({@code arg}, {@code node:out_arg:i}) as a graph input ({@code op:flat_index}). */
    private String reference(String in, Map<String, String> args, Map<String, NodeDef> body, String prefix) {
        String[] parts = in.split(":");
        if (parts.length == 1) {
            String arg = args.get(parts[0]);
            if (arg == null) {
                throw new IllegalStateException("function input '" + in + "' is neither an argument nor a node output");
            }
            return arg;
        }
        NodeDef producer = body.get(parts[0]);
        if (producer == null) {
            throw new IllegalStateException("function body refers to unknown node '" + parts[0] + "'");
        }
        int index = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
        int flat = flatIndex(producer, parts[1], index);
        return prefix + parts[0] + (flat == 0 ? "" : ":" + flat);
    }

    /** The flat output index of output argument {@code arg} (element {@code index}) of a node. */
    private int flatIndex(NodeDef node, String arg, int index) {
        FunctionDef f = calledFunction(node);
        List<OpDef.ArgDef> outputs;
        if (f != null && !CALL_OPS.contains(node.getOp())) {
            outputs = f.getSignature().getOutputArgList();
        } else if (f != null) {
            return index; // a call's single list output "output"
        } else {
            OpDef def = ops.get(node.getOp());
            if (def == null) {
                throw new IllegalArgumentException("op '" + node.getOp() + "' of node '" + node.getName()
                        + "' is not registered in this TensorFlow build");
            }
            outputs = def.getOutputArgList();
        }
        int flat = 0;
        for (OpDef.ArgDef a : outputs) {
            if (a.getName().equals(arg)) {
                return flat + index;
            }
            flat += length(node, a);
        }
        throw new IllegalStateException("op " + node.getOp() + " has no output '" + arg + "'");
    }

    private static int length(NodeDef node, OpDef.ArgDef a) {
        if (!a.getNumberAttr().isEmpty()) {
            return (int) node.getAttrOrThrow(a.getNumberAttr()).getI();
        }
        if (!a.getTypeListAttr().isEmpty()) {
            return node.getAttrOrThrow(a.getTypeListAttr()).getList().getTypeCount();
        }
        return 1;
    }

    /** Every op this TensorFlow build registers, by name (for output argument layouts). */
    static Map<String, OpDef> registeredOps() {
        Map<String, OpDef> ops = new HashMap<>();
        org.tensorflow.TensorFlow.registeredOpList().getOpList().forEach(o -> ops.put(o.getName(), o));
        return ops;
    }

    /** {@code op:1} or {@code ^op} to {@code op}. */
    static String nodeName(String tensor) {
        String t = tensor.startsWith("^") ? tensor.substring(1) : tensor;
        int colon = t.indexOf(':');
        return colon < 0 ? t : t.substring(0, colon);
    }
}
