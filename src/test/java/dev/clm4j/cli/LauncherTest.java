package dev.clm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./clm} launcher runs the CLI from a content-named copy of target/clm4j.jar, so a rebuild
 * while a run or an experiment is going on neither rewrites the jar under a live JVM nor hands the
 * experiment's later child JVMs a different build. Tested on a throwaway project directory whose
 * "jar" holds a stand-in {@code dev.clm4j.cli.Main} that prints its build mark and where it was loaded from.
 */
class LauncherTest {
    @TempDir
    Path project;

    @Test
    void runsEachBuildFromItsOwnCopySoARebuildLeavesTheRunningOneAlone() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        Path script = project.resolve("clm");
        Files.copy(Path.of("clm"), script);
        Path jar = project.resolve("target/clm4j.jar");
        Files.createDirectories(jar.getParent());

        writeStandInJar(jar, "build-1");
        byte[] firstBuild = Files.readAllBytes(jar);
        List<String> first = launch(script);
        assertEquals("build-1", first.get(0));
        Path firstCopy = Path.of(first.get(1));
        assertEquals(project.resolve("target/run").toRealPath(), firstCopy.getParent().toRealPath());
        assertTrue(firstCopy.getFileName().toString().matches("clm4j-\\d+-\\d+\\.jar"), firstCopy.toString());

        // A rebuild rewrites target/clm4j.jar: the next launch runs the new build from a new copy,
        // and the copy the first run (and its child JVMs) use is untouched.
        writeStandInJar(jar, "build-2");
        List<String> second = launch(script);
        assertEquals("build-2", second.get(0));
        Path secondCopy = Path.of(second.get(1));
        assertNotEquals(firstCopy, secondCopy);
        assertArrayEquals(firstBuild, Files.readAllBytes(firstCopy));

        // The same build again reuses its copy.
        assertEquals(second, launch(script));
        assertEquals(2, copies().size());

        // Copies not launched for over a week are removed.
        Files.setLastModifiedTime(firstCopy, FileTime.from(Instant.now().minus(Duration.ofDays(8))));
        launch(script);
        assertFalse(Files.exists(firstCopy));
        assertEquals(List.of(secondCopy.getFileName().toString()), copies());
    }

    private List<String> copies() throws IOException {
        try (Stream<Path> s = Files.list(project.resolve("target/run"))) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private List<String> launch(Path script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).redirectErrorStream(true);
        // The launcher runs `java` from the PATH: this JDK's.
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        pb.environment().put("CLM_JAVA_OPTS", "-Xmx64m");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher timed out");
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
    }

    /** A jar whose Main prints {@code mark}, then the path it was loaded from. */
    private void writeStandInJar(Path jar, String mark) throws IOException {
        Path src = Files.createTempDirectory(project, "stand-in");
        Path file = src.resolve("Main.java");
        Files.writeString(file, "package dev.clm4j.cli;\n"
                + "public class Main { public static void main(String[] a) throws Exception {\n"
                + "  System.out.println(\"" + mark + "\");\n"
                + "  System.out.println(java.nio.file.Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()));\n"
                + "} }\n");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", src.toString(), file.toString()));
        byte[] bytes = Files.readAllBytes(src.resolve("dev/clm4j/cli/Main.class"));
        // Written in place, as a rebuild does: the same path, new contents.
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o)) {
            j.putNextEntry(new JarEntry("dev/clm4j/cli/Main.class"));
            j.write(bytes);
            j.closeEntry();
        }
        // The launcher rebuilds when src/main or pom.xml is newer than the jar; this project has neither.
        assertFalse(Files.exists(project.resolve("pom.xml")));
    }
}
