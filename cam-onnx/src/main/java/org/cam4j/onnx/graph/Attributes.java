package org.cam4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/** Reading a node's attributes with defaults. */
public final class Attributes {
    private Attributes() {
    }

    /** The node's attribute of this name, or null. */
    public static AttributeProto find(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** An integer attribute, or {@code fallback} when absent. */
    public static long getInt(NodeProto node, String name, long fallback) {
        AttributeProto a = find(node, name);
        return a == null ? fallback : a.getI();
    }

    /** A float attribute, or {@code fallback} when absent. */
    public static float getFloat(NodeProto node, String name, float fallback) {
        AttributeProto a = find(node, name);
        return a == null ? fallback : a.getF();
    }

    /** A string attribute, or {@code fallback} when absent. */
    public static String getString(NodeProto node, String name, String fallback) {
        AttributeProto a = find(node, name);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    /** An ints attribute, or {@code null} when absent. */
    public static long[] getInts(NodeProto node, String name) {
        AttributeProto a = find(node, name);
        if (a == null) {
            return null;
        }
        long[] out = new long[a.getIntsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getInts(i);
        }
        return out;
    }

    /** An attribute holding a list of integers. */
    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    /** An attribute holding one integer. */
    public static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** An attribute holding one float. */
    public static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    /** An attribute holding one string. */
    public static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }
}
