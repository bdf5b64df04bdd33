package org.cam4j.engine.store;

/**
 * Where a batch run writes: files named by '/'-separated paths relative to the output folder, each written
 * atomically (a reader or a rerun never sees half a file). The local folder ({@link LocalStore}) or, for Spark
 * runs, any file system Hadoop reaches.
 */
public interface OutputStore {
    /** Writes the whole file at once: a temporary sibling, then a rename. */
    public void write(String relative, byte[] content);

    /** The file's bytes, or null when it does not exist. */
    public byte[] read(String relative);

    /** The output folder as users name it, for messages. */
    public String describe();
}
