package org.cam4j.tensorflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cam4j.model.LiveTensorPeak;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;

/**
 * {@link LiveTensorPeak} of a TensorFlow graph for one image: the ops on the data path from the input to the logits
 * (weights and constants are off it), in an order that runs every op after its inputs, with their static output
 * shapes and the batch dimension taken as 1 (4 bytes per element).
 */
final class TfActivationMemory {
    private TfActivationMemory() {
    }

    /**
     * Bytes per image, or -1 when the shape of a tensor the path reads is not known statically beyond its batch
     * dimension.
     */
    static long perImage(Graph graph, String input, String logits, long inputBytesPerImage) {
        Output<?> in = graph.outputOrThrow(input);
        Output<?> out = graph.outputOrThrow(logits);
        Set<GraphOperation> path = TfLayers.between(in.op(), out.op());
        List<GraphOperation> order = executionOrder(path, (GraphOperation) out.op());
        Set<String> read = new HashSet<>(Set.of(name(out)));
        for (GraphOperation op : order) {
            for (Operand<?> i : op.inputs()) {
                read.add(name(i.asOutput()));
            }
        }
        List<LiveTensorPeak.Step> steps = new ArrayList<>();
        for (GraphOperation op : order) {
            if (op == in.op()) {
                continue;
            }
            List<String> reads = new ArrayList<>();
            for (Operand<?> i : op.inputs()) {
                reads.add(name(i.asOutput()));
            }
            Map<String, Long> made = new LinkedHashMap<>();
            for (int k = 0; k < op.numOutputs(); k++) {
                long bytes = bytesPerImage(op.output(k));
                if (bytes < 0 && read.contains(name(op.output(k)))) {
                    return -1;
                }
                // an unread output of unknown shape (FusedBatchNorm's training reserves) is nothing at inference
                made.put(name(op.output(k)), Math.max(bytes, 0));
            }
            steps.add(new LiveTensorPeak.Step(reads, made));
        }
        return LiveTensorPeak.bytes(steps, Map.of(name(in), inputBytesPerImage), Set.of(name(out)));
    }

    private static String name(Output<?> o) {
        return o.op().name() + ":" + o.index();
    }

    /** 4 bytes per element with the first dimension as 1; -1 when the shape is not known statically. */
    private static long bytesPerImage(Output<?> o) {
        long[] dims = o.shape().asArray();
        if (dims == null) {
            return -1;
        }
        long n = 1;
        for (int d = 1; d < dims.length; d++) {
            if (dims[d] < 0) {
                return -1;
            }
            n *= dims[d];
        }
        return 4 * n;
    }

    /** The path's ops, each after the ops it reads (depth-first from the output, without recursion). */
    private static List<GraphOperation> executionOrder(Set<GraphOperation> path, GraphOperation last) {
        List<GraphOperation> order = new ArrayList<>();
        Set<GraphOperation> seen = new HashSet<>();
        Deque<GraphOperation> stack = new ArrayDeque<>();
        Deque<Boolean> expanded = new ArrayDeque<>();
        stack.push(last);
        expanded.push(false);
        while (!stack.isEmpty()) {
            GraphOperation op = stack.pop();
            boolean done = expanded.pop();
            if (done) {
                order.add(op);
                continue;
            }
            if (!seen.add(op)) {
                continue;
            }
            stack.push(op);
            expanded.push(true);
            for (Operand<?> i : op.inputs()) {
                GraphOperation producer = (GraphOperation) i.asOutput().op();
                if (path.contains(producer) && !seen.contains(producer)) {
                    stack.push(producer);
                    expanded.push(false);
                }
            }
        }
        return order;
    }
}
