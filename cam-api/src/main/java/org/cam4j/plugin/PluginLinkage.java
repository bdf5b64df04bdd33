package org.cam4j.plugin;

/**
 * What to tell a user when a plugin's class cannot link: its folder lacks a jar the plugin needs (the TensorFlow
 * plugin without protobuf, a method without its helper library). Every door says it alike: the command line as its
 * one-line error, {@code cam serve} as its 500's message.
 */
public final class PluginLinkage {
    private PluginLinkage() {
    }

    /**
     * One line naming the class that failed to load and the fix.
     *
     * @param e the error the JVM raised while linking the plugin's code
     * @return the message
     */
    public static String describe(LinkageError e) {
        String what = String.valueOf(e.getMessage()).lines().findFirst().orElse("").replace('/', '.');
        return "a class a plugin needs cannot load (" + e.getClass().getSimpleName() + ": " + what + "): its folder"
                + " lacks a jar it needs; rebuild the plugin folder (for TensorFlow: ./mvnw -B -DskipTests package -pl"
                + " cam-tensorflow -am, then copy cam-tensorflow/target/plugin/*.jar) or add the missing jar beside it";
    }
}
