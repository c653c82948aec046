package dev.clm4j.finetune;

import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work: a progress bar with loss, throughput and ETA on a terminal, and plain log
 * lines (every {@code logEvery} steps) when output goes to a file or a pipe.
 */
public interface Progress extends AutoCloseable {
    /** Marks steps done; {@code extra} is a short status such as "loss 0.412". */
    void step(long steps, String extra);

    @Override
    void close();

    /** The right kind for where stderr goes. */
    static Progress start(String task, long total, String unit, PrintStream log) {
        if (System.console() != null && System.getenv("CI") == null) {
            return new Bar(task, total, unit);
        }
        return new Lines(task, total, unit, log);
    }

    static Progress silent() {
        return new Progress() {
            @Override
            public void step(long steps, String extra) {
            }

            @Override
            public void close() {
            }
        };
    }

    /** A terminal progress bar (me.tongfei.progressbar). */
    final class Bar implements Progress {
        private final ProgressBar bar;

        Bar(String task, long total, String unit) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" " + unit, 1)
                    .setStyle(ProgressBarStyle.ASCII).showSpeed().setConsumer(
                            new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
        }

        @Override
        public void step(long steps, String extra) {
            bar.stepBy(steps);
            bar.setExtraMessage(extra);
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    /** Log lines with rate and ETA, about twenty per task. */
    final class Lines implements Progress {
        private final String task;
        private final long total;
        private final String unit;
        private final PrintStream out;
        private final long started = System.nanoTime();
        private final long every;
        private long done;
        private long nextReport;

        Lines(String task, long total, String unit, PrintStream out) {
            this.task = task;
            this.total = total;
            this.unit = unit;
            this.out = out;
            this.every = Math.max(1, total / 20);
            this.nextReport = every;
        }

        @Override
        public void step(long steps, String extra) {
            done += steps;
            if (done >= nextReport || done == total) {
                nextReport += every;
                double secs = (System.nanoTime() - started) / 1e9;
                double rate = done / Math.max(secs, 1e-9);
                double eta = rate > 0 ? (total - done) / rate : 0;
                out.printf("%s %d/%d %s  %.1f %s/s  eta %.0fs  %s%n", task, done, total, unit, rate, unit, eta, extra);
                out.flush();
            }
        }

        @Override
        public void close() {
        }
    }
}
