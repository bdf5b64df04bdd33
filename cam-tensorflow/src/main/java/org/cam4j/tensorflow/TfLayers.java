package org.cam4j.tensorflow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cam4j.model.LayerInfo;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * Layer names of a TensorFlow graph: a tensor ({@code op:0}), an op, or a Keras layer name ({@code conv2d_2}: the
 * last op in a {@code .../conv2d_2/...} name scope whose output is used outside that scope). Candidates are the
 * 4-d float outputs between input and output with a spatial map (h and w above 1), one per layer scope.
 */
final class TfLayers {
    private final Graph graph;
    private final Map<String, String> byLayerName = new LinkedHashMap<>();
    private final List<LayerInfo> candidates = new ArrayList<>();

    TfLayers(Graph graph, String input, String logits) {
        this.graph = graph;
        java.util.Set<GraphOperation> path = between(graph.outputOrThrow(input).op(), graph.outputOrThrow(logits).op());
        List<GraphOperation> ordered = new ArrayList<>();
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if (path.contains(op)) {
                ordered.add(op);
            }
        }
        Map<String, GraphOperation> scopeOutput = new LinkedHashMap<>();
        for (GraphOperation op : ordered) {
            String scope = scope(op.name());
            if (scope != null && usedOutside(op, scope)) {
                scopeOutput.put(scope, op);
            }
        }
        scopeOutput.forEach((scope, op) -> byLayerName.putIfAbsent(lastSegment(scope), op.name() + ":0"));
        // layer names off the data path resolve too (and are then refused for having no path to the output)
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            String scope = scope(op.name());
            if (scope != null && !path.contains(op) && op.numOutputs() > 0 && usedOutside(op, scope)) {
                byLayerName.putIfAbsent(lastSegment(scope), op.name() + ":0");
            }
        }
        Map<String, String> seen = new HashMap<>();
        String last = null;
        for (GraphOperation op : ordered) {
            if (op.numOutputs() == 0 || op.output(0).dataType() != DataType.DT_FLOAT || op.type().equals("Placeholder")) {
                continue;
            }
            long[] s = op.output(0).shape().asArray();
            if (s == null || s.length != 4 || s[1] <= 1 || s[2] <= 1) {
                continue;
            }
            String scope = scope(op.name());
            String name = scope != null && scopeOutput.get(scope) == op ? lastSegment(scope) : op.name();
            if (scope != null && scopeOutput.get(scope) != op || seen.containsKey(name)) {
                continue;
            }
            seen.put(name, op.name());
            candidates.add(new LayerInfo(name, op.type(), op.name(), new long[] {-1, s[3], s[1], s[2]},
                    LayerInfo.Kind.SPATIAL, false));
            last = name;
        }
        String suggested = last;
        candidates.replaceAll(l -> l.name().equals(suggested)
                ? new LayerInfo(l.name(), l.opType(), l.nodeName(), l.shape(), l.kind(), true) : l);
    }

    /** The ops downstream of {@code from} and upstream of {@code to} (both included): the data path. */
    static java.util.Set<GraphOperation> between(org.tensorflow.Operation from, org.tensorflow.Operation to) {
        java.util.Set<GraphOperation> down = new java.util.HashSet<>();
        java.util.Deque<GraphOperation> todo = new java.util.ArrayDeque<>(List.of((GraphOperation) from));
        while (!todo.isEmpty()) {
            GraphOperation op = todo.poll();
            if (down.add(op)) {
                todo.addAll(op.consumers());
            }
        }
        java.util.Set<GraphOperation> path = new java.util.HashSet<>();
        todo.add((GraphOperation) to);
        while (!todo.isEmpty()) {
            GraphOperation op = todo.poll();
            if (down.contains(op) && path.add(op)) {
                op.inputs().forEach(i -> todo.add((GraphOperation) i.asOutput().op()));
            }
        }
        return path;
    }

    List<LayerInfo> candidates() {
        return candidates;
    }

    /** The tensor ({@code op:index}) a layer name means; unknown names fail with the closest names. */
    String resolve(String name) {
        if (byLayerName.containsKey(name)) {
            return byLayerName.get(name);
        }
        int colon = name.lastIndexOf(':');
        String op = colon > 0 ? name.substring(0, colon) : name;
        if (graph.operation(op) != null) {
            return colon > 0 ? name : name + ":0";
        }
        List<String> known = new ArrayList<>(byLayerName.keySet());
        candidates.forEach(c -> known.add(c.name()));
        known.sort(Comparator.comparingInt(k -> distance(k, name)));
        throw new IllegalArgumentException("unknown layer '" + name + "'; closest: " + String.join(", ",
                known.stream().distinct().limit(6).toList()) + " (list them with 'cam layers')");
    }

    /** Everything before the last '/' of an op name (its scope), or null at the top level. */
    private static String scope(String opName) {
        int slash = opName.lastIndexOf('/');
        return slash < 0 ? null : opName.substring(0, slash);
    }

    private static String lastSegment(String scope) {
        return scope.substring(scope.lastIndexOf('/') + 1);
    }

    private static boolean usedOutside(GraphOperation op, String scope) {
        for (GraphOperation consumer : op.controlConsumers()) {
            if (!consumer.name().startsWith(scope + "/")) {
                return true;
            }
        }
        for (int i = 0; i < op.numOutputs(); i++) {
            for (GraphOperation consumer : op.consumers(i)) {
                if (!consumer.name().startsWith(scope + "/")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }
}
