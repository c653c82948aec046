package dev.clm4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmExecutorTest {
    @Test
    void failureMessageIsTheErrorLineOfTheLog(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("a.log");
        Files.writeString(log, "# java ...\nepoch 1/3\nclm: data.csv:3: empty text\n");
        assertEquals("exit status 2: clm: data.csv:3: empty text", ChildJvmExecutor.describeFailure(2, log));
        Files.writeString(log, "# java ...\nException in thread \"main\" java.lang.RuntimeException: x\n"
                + "\tat dev.clm4j.cli.ErrorHandler.handleExecutionException(ErrorHandler.java:33)\n"
                + "Caused by: java.lang.OutOfMemoryError: Java heap space\n\tat dev.clm4j.nn.Linear.forward(Linear.java:1)\n");
        assertEquals("exit status 1: Caused by: java.lang.OutOfMemoryError: Java heap space",
                ChildJvmExecutor.describeFailure(1, log));
        Files.writeString(log, "");
        assertEquals("exit status 137 (killed; out of memory?)", ChildJvmExecutor.describeFailure(137, log));
    }

    @Test
    void childRunsTheFinetuneCommandOnThisClasspath() {
        ChildJvmExecutor ex = new ChildJvmExecutor(List.of("-Xmx1g"));
        RunSpec spec = new RunSpec(new Dataset("d", Path.of("tr.csv"), Path.of("te.csv")), Setting.FULL,
                MethodSpec.parseList("head").get(0), 0);
        List<String> cmd = ex.command(new RunExecutor.Request(spec, Path.of("tr.csv"), Path.of("te.csv"),
                List.of("--train", "tr.csv"), Path.of("x.log")), Path.of("r.json"));
        assertTrue(cmd.get(0).endsWith("java"));
        assertEquals(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), "dev.clm4j.cli.Main", "finetune",
                "--train", "tr.csv", "--report", "r.json"), cmd.subList(1, cmd.size()));
        assertFalse(ChildJvmExecutor.inheritedJvmOptions().stream().anyMatch(o -> o.startsWith("-agentlib:")));
    }
}
