package dev.clm4j.experiment;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs one finetuning. The real one ({@link ChildJvmExecutor}) starts `clm finetune` in a child
 * JVM; tests plug in a fake so that no model trains.
 */
public interface RunExecutor {

    /**
     * What to run: the files to train and test on, and the whole `clm finetune` argument list
     * (train, test, method, seed and every shared option; the executor adds the report file).
     * Everything the run prints goes to {@code log}.
     */
    record Request(RunSpec spec, Path train, Path test, List<String> finetuneArgs, Path log) {
    }

    /**
     * What came back: on success the finetune report (its JSON fields), else an error message;
     * the run's wall time and, where the executor can measure it, the peak resident memory.
     */
    record Execution(boolean ok, Map<String, Object> report, String error, double wallSeconds, Long peakRssBytes) {
        public static Execution success(Map<String, Object> report, double wallSeconds, Long peakRssBytes) {
            return new Execution(true, report, null, wallSeconds, peakRssBytes);
        }

        public static Execution failure(String error, double wallSeconds, Long peakRssBytes) {
            return new Execution(false, null, error, wallSeconds, peakRssBytes);
        }
    }

    /** Runs it; a failed run is a failed {@link Execution}, not an exception. */
    Execution execute(Request request) throws InterruptedException;
}
