package org.cam4j.model;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The peak memory of the tensors a forward pass keeps alive at once, for any backend's graph given as its nodes in
 * execution order: each node's outputs are allocated when it runs and each tensor is freed after its last reader
 * (graph outputs live to the end; an output nobody reads goes at once). Tensors without a size (weights, constants)
 * are not counted. This is the plan an executor that reuses freed buffers follows, so it sizes what one more image
 * in a batch costs ({@link ExplainableModel#activationBytesPerImage}).
 */
public final class LiveTensorPeak {
    /** One node: the tensors it reads, and those it makes with their sizes in bytes. */
    public record Step(List<String> inputs, Map<String, Long> outputs) {
    }

    private LiveTensorPeak() {
    }

    /**
     * @param live the tensors alive before the first node (the graph input) with their sizes
     * @param kept tensors never freed (the graph's outputs)
     */
    public static long bytes(List<Step> steps, Map<String, Long> live, Set<String> kept) {
        Map<String, Integer> lastRead = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            for (String in : steps.get(i).inputs()) {
                lastRead.put(in, i);
            }
        }
        Map<String, Long> alive = new HashMap<>(live);
        long total = alive.values().stream().mapToLong(Long::longValue).sum();
        long peak = total;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            for (Map.Entry<String, Long> out : step.outputs().entrySet()) {
                if (alive.put(out.getKey(), out.getValue()) == null) {
                    total += out.getValue();
                }
            }
            peak = Math.max(peak, total);
            Set<String> done = new HashSet<>();
            for (String in : step.inputs()) {
                if (lastRead.get(in) == i) {
                    done.add(in);
                }
            }
            for (String out : step.outputs().keySet()) {
                if (!lastRead.containsKey(out)) {
                    done.add(out);
                }
            }
            for (String t : done) {
                Long size = kept.contains(t) ? null : alive.remove(t);
                total -= size == null ? 0 : size;
            }
        }
        return peak;
    }
}
