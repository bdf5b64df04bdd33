package org.cam4j.testdata;

import static org.cam4j.testdata.OnnxModelBuilder.i;
import static org.cam4j.testdata.OnnxModelBuilder.ints;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.file.Path;

/**
 * Full-size architectures with random weights, for timing only (never for numbers): ResNet-50 as torchvision
 * exports it in eval mode (batch norm folded into the convolutions, the same ops, shapes and node scopes, so
 * {@code layer4[-1]} names the last bottleneck). He-initialised so activations stay finite. Write one with
 * {@code java -cp testdata/target/classes:<protobuf, tribuo-util-onnx> org.cam4j.testdata.BenchmarkModels
 * resnet50.onnx}.
 */
public final class BenchmarkModels {
    private BenchmarkModels() {
    }

    public static void main(String[] args) {
        resnet50Builder(1).write(Path.of(args.length > 0 ? args[0] : "resnet50.onnx"));
    }

    /** N x 3 x 224 x 224 to N x 1000 logits, 25.6 M parameters. */
    public static ModelProto resnet50(long seed) {
        return resnet50Builder(seed).build();
    }

    private static OnnxModelBuilder resnet50Builder(long seed) {
        OnnxModelBuilder b = new OnnxModelBuilder(17, seed);
        b.input("input", -1, 3, 224, 224);
        String x = conv(b, "/conv1/Conv", "input", 3, 64, 7, 2);
        x = b.node("Relu", "/relu/Relu", new String[] {x});
        x = b.node("MaxPool", "/maxpool/MaxPool", new String[] {x}, ints("kernel_shape", 3, 3),
                ints("strides", 2, 2), ints("pads", 1, 1, 1, 1));
        int[] blocks = {3, 4, 6, 3};
        int in = 64;
        for (int layer = 0; layer < 4; layer++) {
            int width = 64 << layer;
            for (int block = 0; block < blocks[layer]; block++) {
                String scope = "/layer" + (layer + 1) + "/layer" + (layer + 1) + "." + block + "/";
                int stride = block == 0 && layer > 0 ? 2 : 1;
                String y = conv(b, scope + "conv1/Conv", x, in, width, 1, 1);
                y = b.node("Relu", scope + "relu/Relu", new String[] {y});
                y = conv(b, scope + "conv2/Conv", y, width, width, 3, stride);
                y = b.node("Relu", scope + "relu_1/Relu", new String[] {y});
                y = conv(b, scope + "conv3/Conv", y, width, 4 * width, 1, 1);
                String shortcut = block == 0 ? conv(b, scope + "downsample/downsample.0/Conv", x, in, 4 * width, 1,
                        stride) : x;
                y = b.node("Add", scope + "Add", new String[] {y, shortcut});
                x = b.node("Relu", scope + "relu_2/Relu", new String[] {y});
                in = 4 * width;
            }
        }
        x = b.node("GlobalAveragePool", "/avgpool/GlobalAveragePool", new String[] {x});
        x = b.node("Flatten", "/Flatten", new String[] {x}, i("axis", 1));
        b.node("Gemm", "/fc/Gemm", new String[] {x, b.random("fc.weight", (float) Math.sqrt(1.0 / in), 0, 1000, in),
            b.random("fc.bias", 0.01f, 0, 1000)}, i("transB", 1));
        b.output("/fc/Gemm", -1, 1000);
        return b;
    }

    private static String conv(OnnxModelBuilder b, String name, String in, int cin, int cout, int k, int stride) {
        float he = (float) Math.sqrt(2.0 / (cin * k * k));
        String w = b.random(name + ".weight", he, 0, cout, cin, k, k);
        String bias = b.random(name + ".bias", 0.01f, 0, cout);
        return b.node("Conv", name, new String[] {in, w, bias}, ints("kernel_shape", k, k),
                ints("strides", stride, stride), ints("pads", k / 2, k / 2, k / 2, k / 2));
    }
}
