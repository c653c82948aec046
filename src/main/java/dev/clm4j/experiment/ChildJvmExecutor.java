package dev.clm4j.experiment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs `clm finetune` in a child JVM: the same java binary, class path and JVM options as this
 * process (or the options given), the normal finetune code path writing its `--report` JSON. A
 * child isolates crashes (an out-of-memory error or a native fault fails one run, not the
 * experiment) and makes memory figures honest: the report's peak heap is that run's alone, and the
 * executor samples the child's peak resident set (Linux VmHWM) while it runs.
 */
public final class ChildJvmExecutor implements RunExecutor {
    private static final String MAIN = "dev.clm4j.cli.Main";
    private static final AtomicReference<Process> RUNNING = new AtomicReference<>();
    private static final Thread KILLER = new Thread(() -> {
        Process p = RUNNING.get();
        if (p != null) {
            p.destroyForcibly();
        }
    }, "clm-experiment-child-killer");

    static {
        // A Ctrl-C of the runner must not leave a training JVM behind.
        Runtime.getRuntime().addShutdownHook(KILLER);
    }

    private final List<String> jvmOptions;

    /** @param jvmOptions options for the child JVM; null: this JVM's own. */
    public ChildJvmExecutor(List<String> jvmOptions) {
        this.jvmOptions = jvmOptions != null ? List.copyOf(jvmOptions) : inheritedJvmOptions();
    }

    /** This JVM's options, without debugger and profiler agents (a second JVM cannot share their port or file). */
    public static List<String> inheritedJvmOptions() {
        List<String> out = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-agentlib:") || a.startsWith("-agentpath:") || a.startsWith("-javaagent:")
                    || a.startsWith("-Xrunjdwp") || a.startsWith("-Djava.class.path=")) {
                continue;
            }
            out.add(a);
        }
        return out;
    }

    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /** The child's command line. */
    List<String> command(Request r, Path report) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN);
        cmd.add("finetune");
        cmd.addAll(r.finetuneArgs());
        cmd.add("--report");
        cmd.add(report.toString());
        return cmd;
    }

    @Override
    public Execution execute(Request r) throws InterruptedException {
        Path report = r.log().resolveSibling(r.spec().id() + ".report.json");
        long t0 = System.nanoTime();
        Long peakRss = null;
        Process p;
        try {
            Files.createDirectories(r.log().toAbsolutePath().getParent());
            Files.deleteIfExists(report);
            List<String> cmd = command(r, report);
            Files.writeString(r.log(), "# " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8);
            p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(r.log().toFile())).start();
        } catch (IOException e) {
            return Execution.failure("cannot start the child JVM: " + e.getMessage(), 0, null);
        }
        RUNNING.set(p);
        int status;
        try {
            while (!p.waitFor(250, TimeUnit.MILLISECONDS)) {
                Long hwm = residentHighWaterMark(p.pid());
                if (hwm != null) {
                    peakRss = peakRss == null ? hwm : Math.max(peakRss, hwm);
                }
            }
            status = p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw e;
        } finally {
            RUNNING.compareAndSet(p, null);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        if (status != 0) {
            return Execution.failure(describeFailure(status, r.log()), wall, peakRss);
        }
        try {
            Map<String, Object> json = new ObjectMapper().readValue(report.toFile(), new TypeReference<Map<String, Object>>() {
            });
            Files.deleteIfExists(report);
            return Execution.success(json, wall, peakRss);
        } catch (IOException e) {
            return Execution.failure("finetune exited 0 but its report " + report + " is unreadable: " + e.getMessage(), wall, peakRss);
        }
    }

    /** Linux: the process's peak resident set so far, in bytes; null elsewhere or once it is gone. */
    static Long residentHighWaterMark(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process just ended
        }
        return null;
    }

    /** "exit status N: the last error line of the log". */
    static String describeFailure(int status, Path log) {
        String why = "exit status " + status;
        if (status == 137 || status == 143) {
            why += " (killed" + (status == 137 ? "; out of memory?" : "") + ")";
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return why;
        }
        String pick = null;
        for (int i = lines.size() - 1; i >= 0 && pick == null; i--) {
            if (lines.get(i).startsWith("clm: ")) {
                pick = lines.get(i);
            }
        }
        for (int i = lines.size() - 1; i >= 0 && pick == null; i--) {
            String l = lines.get(i).strip();
            if ((l.contains("Exception") || l.contains("Error")) && !l.startsWith("at ") && !l.startsWith("...")) {
                pick = l;
            }
        }
        for (int i = lines.size() - 1; i >= 0 && pick == null; i--) {
            if (!lines.get(i).isBlank() && !lines.get(i).startsWith("# ")) {
                pick = lines.get(i).strip();
            }
        }
        return pick == null ? why : why + ": " + pick;
    }
}
