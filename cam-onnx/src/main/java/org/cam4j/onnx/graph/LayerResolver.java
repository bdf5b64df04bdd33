package org.cam4j.onnx.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cam4j.errors.InvalidInputException;

/**
 * Finds the tensor a user means by a layer name: a tensor name, a node name, or a PyTorch module path as
 * {@code torch.onnx} scopes node names ({@code layer4[-1]}, {@code layer4.1}, {@code features[-1][-1].norm1},
 * {@code encoder.layers[-1].ln_1}): the module's output, the last tensor made inside its scope that is used
 * outside it.
 *
 * <p>torch.onnx names nodes {@code /layer4/layer4.1/relu_1/Relu}: one path segment per module, where a
 * numbered child of a container is written {@code parent.N}. Indices count the children in the order they
 * first appear in the graph; negative indices count from the end.
 */
public final class LayerResolver {
    private static final Pattern TOKEN = Pattern.compile("\\[(-?\\d+)]|\\.?([^.\\[\\]]+)");

    private final OnnxGraph graph;
    /** Scope path (segments joined by '/') to its child segments in order of appearance. */
    private final Map<String, Set<String>> children = new LinkedHashMap<>();

    /** A resolver over the graph's tensor names, node names and PyTorch module paths. */
    public LayerResolver(OnnxGraph graph) {
        this.graph = graph;
        for (NodeProto n : graph.nodes()) {
            String[] parts = n.getName().split("/");
            String scope = "";
            for (int i = 1; i < parts.length - 1; i++) {
                children.computeIfAbsent(scope, k -> new LinkedHashSet<>()).add(parts[i]);
                scope = scope + "/" + parts[i];
            }
        }
    }

    /** The tensor for a layer name; unknown names fail with the closest known names. */
    public String resolve(String name) {
        if (graph.inputs().stream().anyMatch(v -> v.getName().equals(name))) {
            throw new InvalidInputException("'" + name + "' is the model's input, not a layer inside it; choose a"
                    + " layer from 'cam layers' (FullGrad and guided backprop use input gradients themselves)");
        }
        if (graph.exists(name) && !graph.isInitializer(name)) {
            return name;
        }
        for (NodeProto n : graph.nodes()) {
            if (n.getName().equals(name) && n.getOutputCount() > 0) {
                return n.getOutput(0);
            }
        }
        String scope = scopeOf(name);
        if (scope != null) {
            String out = scopeOutput(scope + "/");
            if (out != null) {
                return out;
            }
        }
        throw new InvalidInputException("unknown layer '" + name + "'; closest: " + String.join(", ",
                closest(name, 6)) + " (list them with 'cam layers')");
    }

    /**
     * A module's output: the last tensor made inside the scope that is used outside it (or is a graph output); the
     * last node's output when nothing leaves the scope. Skips helper nodes (constants, shape arithmetic) that
     * torch.onnx may place last in a scope.
     */
    private String scopeOutput(String prefix) {
        String leaving = null;
        String last = null;
        for (NodeProto n : graph.nodes()) {
            if (!n.getName().startsWith(prefix)) {
                continue;
            }
            for (String out : n.getOutputList()) {
                if (out.isEmpty()) {
                    continue;
                }
                last = out;
                boolean usedOutside = graph.consumers(out).stream().anyMatch(c -> !c.getName().startsWith(prefix))
                        || graph.outputs().stream().anyMatch(o -> o.getName().equals(out));
                if (usedOutside) {
                    leaving = out;
                }
            }
        }
        return leaving != null ? leaving : last;
    }

    /** The node-name scope of a module path, or {@code null} when it does not match. */
    String scopeOf(String modulePath) {
        Matcher m = TOKEN.matcher(modulePath);
        String scope = "";
        String segment = "";
        int consumed = 0;
        while (m.find()) {
            if (m.start() != consumed) {
                return null;
            }
            consumed = m.end();
            List<String> kids = new ArrayList<>(children.getOrDefault(scope, Set.of()));
            String next = null;
            if (m.group(1) != null) {
                int idx = Integer.parseInt(m.group(1));
                List<String> numbered = new ArrayList<>();
                for (String k : kids) {
                    if (k.startsWith(segment + ".") || segment.isEmpty()) {
                        numbered.add(k);
                    }
                }
                if (numbered.isEmpty()) {
                    numbered = kids;
                }
                int i = idx < 0 ? numbered.size() + idx : idx;
                next = i >= 0 && i < numbered.size() ? numbered.get(i) : null;
            } else {
                String token = m.group(2);
                if (kids.contains(token)) {
                    next = token;
                } else if (kids.contains(segment + "." + token)) {
                    next = segment + "." + token;
                }
            }
            if (next == null) {
                return null;
            }
            scope = scope + "/" + next;
            segment = next;
        }
        return consumed == modulePath.length() && !scope.isEmpty() ? scope : null;
    }

    /** Module paths of every scope, in the dotted form users type. */
    public List<String> modulePaths() {
        List<String> out = new ArrayList<>();
        for (String scope : children.keySet()) {
            if (!scope.isEmpty()) {
                String[] segs = scope.substring(1).split("/");
                out.add(segs[segs.length - 1].contains(".") ? segs[segs.length - 1] : String.join(".", segs));
            }
        }
        return out;
    }

    private List<String> closest(String name, int count) {
        Set<String> candidates = new LinkedHashSet<>(modulePaths());
        for (NodeProto n : graph.nodes()) {
            candidates.add(n.getName());
            candidates.addAll(n.getOutputList());
        }
        candidates.remove("");
        return candidates.stream()
                .sorted(Comparator.comparingInt((String c) -> distance(name, c)).thenComparing(c -> c))
                .limit(count).toList();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
