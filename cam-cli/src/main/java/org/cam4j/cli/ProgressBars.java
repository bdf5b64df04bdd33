package org.cam4j.cli;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The terminal progress bar of long commands (ETA, speed); silent without a console or when asked. */
final class ProgressBars {
    private ProgressBars() {
    }

    static ProgressBar create(String task, long total, String unit, boolean quiet) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setUnit(" " + unit, 1).showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500);
        if (quiet || System.console() == null) {
            b.setConsumer(new DelegatingProgressBarConsumer(line -> { }));
        }
        return b.build();
    }
}
