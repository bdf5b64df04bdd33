package org.cam4j.engine.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files kept in memory: an HTTP answer's maps, written as a folder's are ({@link MapFiles}) and sent inline in the
 * answer's JSON.
 */
public final class MemoryStore implements OutputStore {
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    @Override
    public void write(String relative, byte[] content) {
        files.put(relative, content);
    }

    @Override
    public byte[] read(String relative) {
        return files.get(relative);
    }

    @Override
    public String describe() {
        return "the answer";
    }
}
