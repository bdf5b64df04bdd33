package org.cam4j.engine;

import org.cam4j.targets.ClassifierOutputTarget;
import org.cam4j.targets.Target;
import org.cam4j.targets.Targets;

/** How outputs and records name a target. */
public final class TargetNames {
    private TargetNames() {
    }

    /** The class a classifier target explains, else -1. */
    public static int targetClass(Target t) {
        return t instanceof ClassifierOutputTarget c ? c.category() : -1;
    }

    /** A target as a person reads it: a class's label, or the target's type. */
    public static String targetLabel(Target t, Labels labels) {
        if (t instanceof ClassifierOutputTarget c) {
            return labels.name(c.category());
        }
        if (t instanceof org.cam4j.targets.SoftmaxTarget s) {
            return "softmax " + labels.name(s.category());
        }
        return Targets.isTopClass(t) ? "top class" : t.getClass().getSimpleName();
    }
}
