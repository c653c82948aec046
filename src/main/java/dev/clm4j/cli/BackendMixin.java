package dev.clm4j.cli;

import dev.clm4j.tensor.Backend;
import picocli.CommandLine.Option;

/** --backend and --threads. */
final class BackendMixin {
    @Option(names = "--backend", defaultValue = "cpu", description = "cpu, cuda or reference (default ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--threads", defaultValue = "0", description = "Threads of the cpu backend (0: all cores).")
    int threads;

    Backend create() {
        if (threads < 0) {
            throw new UserError("--threads must be 0 (all cores) or more, got " + threads);
        }
        return CliSupport.backend(backend, threads);
    }
}
