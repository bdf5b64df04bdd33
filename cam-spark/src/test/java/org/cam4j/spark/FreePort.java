package org.cam4j.spark;

import java.io.IOException;
import java.net.ServerSocket;

/** Prints a port the kernel has just given out (a socket bound to port 0), for cam-spark/local-cluster's master. */
public final class FreePort {
    private FreePort() {
    }

    public static void main(String[] args) throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            System.out.println(s.getLocalPort());
        }
    }
}
