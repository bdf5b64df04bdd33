package org.cam4j.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.cam4j.engine.RequestException;

/** Checks a Spark master URL before a session is created, so a typo or a dead master is one line, not a hang. */
final class SparkMaster {
    private static final int CONNECT_TIMEOUT_MS = 3000;

    private SparkMaster() {
    }

    static void check(String master) {
        if (master == null) {
            return;
        }
        if (master.startsWith("spark://")) {
            String last = "";
            for (String hostPort : master.substring("spark://".length()).split(",")) {
                int colon = hostPort.lastIndexOf(':');
                String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
                int port = colon < 0 ? 7077 : Integer.parseInt(hostPort.substring(colon + 1).replaceAll("/.*", ""));
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
                    return;
                } catch (IOException e) {
                    last = host + ":" + port + ": " + (e instanceof java.net.UnknownHostException ? "unknown host"
                            : e.getMessage());
                }
            }
            throw new RequestException("cannot reach the Spark master " + master + " (" + last + "); check --master and"
                    + " that the master is running");
        }
        if (master.equals("yarn")) {
            if (System.getenv("HADOOP_CONF_DIR") == null && System.getenv("YARN_CONF_DIR") == null) {
                throw new RequestException("--master yarn needs HADOOP_CONF_DIR or YARN_CONF_DIR naming the cluster's"
                        + " configuration folder");
            }
            return;
        }
        java.util.regex.Matcher local = java.util.regex.Pattern.compile("local\\[(\\d+)(,\\d+)?]").matcher(master);
        if (local.matches() && (!countInRange(local.group(1)) || local.group(2) != null
                && !countInRange(local.group(2).substring(1)))) {
            throw new RequestException("--master " + master + ": local[N] and local[N,TRIES] take counts from 1 to "
                    + MAX_LOCAL + "; use local[*] for every core");
        }
        if (!master.matches("local(\\[(\\*|\\d+)(,\\d+)?])?") && !master.startsWith("k8s://")) {
            throw new RequestException("unknown Spark master '" + master + "'; use local[*], local[N], spark://HOST:PORT,"
                    + " yarn or k8s://...");
        }
    }

    /** Threads or task tries of a local master, at most. */
    private static final int MAX_LOCAL = 4096;

    private static boolean countInRange(String digits) {
        return digits.length() <= 4 && Integer.parseInt(digits) >= 1 && Integer.parseInt(digits) <= MAX_LOCAL;
    }
}
