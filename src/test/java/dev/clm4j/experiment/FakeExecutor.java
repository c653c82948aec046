package dev.clm4j.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A run executor that trains nothing: scores follow from the method and seed; chosen runs fail. */
final class FakeExecutor implements RunExecutor {
    final List<Request> requests = new ArrayList<>();
    final Set<String> failing = new HashSet<>();
    /** The build the fake "child" reports having been trained by; null: no version field. */
    String reportedVersion;

    @Override
    public Execution execute(Request r) {
        requests.add(r);
        if (failing.contains(r.spec().id())) {
            return Execution.failure("exit status 1: clm: boom in " + r.spec().id(), 0.5, 1L << 20);
        }
        boolean full = r.spec().method().method().equals("full");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("method", r.spec().method().method());
        report.put("accuracy", (full ? 0.90 : 0.80) + 0.01 * r.spec().seed());
        report.put("macro_f1", (full ? 0.89 : 0.79) + 0.01 * r.spec().seed());
        report.put("train_seconds", full ? 100.0 : 40.0);
        report.put("trainable_params", full ? 22_000_000 : 3_080);
        report.put("total_params", 22_000_000);
        report.put("peak_heap_bytes", 512L << 20);
        if (reportedVersion != null) {
            report.put("version", reportedVersion);
        }
        return Execution.success(report, full ? 110.0 : 50.0, 900L << 20);
    }
}
