package org.cam4j.cli.serve;

import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** A running request: methods done of the total, its state, and its computation for cancelling. */
final class Progress {
    final int total;
    final AtomicInteger done = new AtomicInteger();
    volatile Future<?> future;
    volatile String state = "queued";

    Progress(int total) {
        this.total = total;
    }
}
