package dev.clm4j.finetune;

import java.time.Duration;

/** CPU time used so far by this process, all threads (from java.base, so the slim runtime has it). */
final class ProcessCpu {
    private ProcessCpu() {
    }

    /** Seconds of user and system CPU time; NaN where the platform does not report it. */
    static double seconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).map(n -> n / 1e9)
                .orElse(Double.NaN);
    }
}
