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
import java.util.Comparator;
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
 * The {@code ./clm} launcher runs the CLI from copies of target/clm4j.jar and target/lib/ kept in
 * .clm-run/, so neither a rebuild nor {@code mvn clean} while a run or an experiment is going on
 * touches the files a live JVM, or the experiment's later child JVMs, load classes from. Tested on a
 * throwaway project directory whose "jar" holds a stand-in {@code dev.clm4j.cli.Main} that prints its
 * build mark, where it was loaded from, and its class path.
 */
class LauncherTest {
    @TempDir
    Path project;

    @Test
    void runsEachBuildFromItsOwnCopiesSoRebuildsAndCleansLeaveTheRunningOneAlone() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        Path script = project.resolve("clm");
        Files.copy(Path.of("clm"), script);
        Path jar = project.resolve("target/clm4j.jar");
        Path lib = project.resolve("target/lib");
        Files.createDirectories(lib);
        writeDependencyJar(lib.resolve("dep-1.jar"));
        byte[] dependency = Files.readAllBytes(lib.resolve("dep-1.jar"));

        writeStandInJar(jar, "build-1");
        byte[] firstBuild = Files.readAllBytes(jar);
        Launch first = launch(script);
        assertEquals("build-1", first.mark);
        Path runs = project.resolve(".clm-run").toRealPath();
        assertEquals(runs, first.jarCopy.getParent().toRealPath());
        assertTrue(first.jarCopy.getFileName().toString().matches("clm4j-\\d+-\\d+\\.jar"), first.jarCopy.toString());
        // Nothing on the class path lives under target/: the libraries are copies too.
        assertEquals(2, first.classPath.size(), first.classPath.toString());
        for (Path entry : first.classPath) {
            assertTrue(entry.toRealPath().startsWith(runs), entry.toString());
        }
        Path firstLibCopy = first.classPath.get(1).getParent();
        assertArrayEquals(dependency, Files.readAllBytes(firstLibCopy.resolve("dep-1.jar")));

        // A rebuild rewrites target/clm4j.jar: the next launch runs the new build from a new copy,
        // the copy the first run (and its child JVMs) use is untouched, and the unchanged
        // libraries are not copied again.
        writeStandInJar(jar, "build-2");
        byte[] secondBuild = Files.readAllBytes(jar);
        Launch second = launch(script);
        assertEquals("build-2", second.mark);
        assertNotEquals(first.jarCopy, second.jarCopy);
        assertArrayEquals(firstBuild, Files.readAllBytes(first.jarCopy));
        assertEquals(first.classPath.subList(1, 2), second.classPath.subList(1, 2));

        // The same build again reuses its copies.
        assertEquals(second.lines, launch(script).lines);
        assertEquals(3, copies().size());

        // mvn clean deletes target/: every copy a running JVM uses is still there.
        deleteTree(project.resolve("target"));
        assertArrayEquals(firstBuild, Files.readAllBytes(first.jarCopy));
        assertArrayEquals(secondBuild, Files.readAllBytes(second.jarCopy));
        assertArrayEquals(dependency, Files.readAllBytes(firstLibCopy.resolve("dep-1.jar")));

        // The next build comes with another dependency: its libraries get a copy of their own.
        Files.createDirectories(lib);
        Files.write(jar, secondBuild);
        Files.write(lib.resolve("dep-1.jar"), dependency);
        writeDependencyJar(lib.resolve("dep-2.jar"));
        Launch third = launch(script);
        assertEquals(second.jarCopy, third.jarCopy);
        assertEquals(3, third.classPath.size(), third.classPath.toString());
        assertNotEquals(firstLibCopy, third.classPath.get(1).getParent());
        assertEquals(4, copies().size());

        // Copies not launched for over a week are removed.
        Instant weekAgo = Instant.now().minus(Duration.ofDays(8));
        Files.setLastModifiedTime(first.jarCopy, FileTime.from(weekAgo));
        Files.setLastModifiedTime(firstLibCopy, FileTime.from(weekAgo));
        launch(script);
        assertFalse(Files.exists(first.jarCopy));
        assertFalse(Files.exists(firstLibCopy));
        assertEquals(List.of(second.jarCopy.getFileName().toString(), third.classPath.get(1).getParent().getFileName().toString()),
                copies());
    }

    private List<String> copies() throws IOException {
        try (Stream<Path> s = Files.list(project.resolve(".clm-run"))) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    /** What the stand-in Main printed: its build mark, the jar it was loaded from, its class path. */
    private static final class Launch {
        final List<String> lines;
        final String mark;
        final Path jarCopy;
        final List<Path> classPath;

        Launch(List<String> lines) {
            this.lines = lines;
            this.mark = lines.get(0);
            this.jarCopy = Path.of(lines.get(1));
            this.classPath = lines.subList(2, lines.size()).stream().map(Path::of).collect(Collectors.toList());
        }
    }

    private Launch launch(Path script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).redirectErrorStream(true);
        // The launcher runs `java` from the PATH: this JDK's.
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        pb.environment().put("CLM_JAVA_OPTS", "-Xmx64m");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher timed out");
        assertEquals(0, p.exitValue(), out);
        return new Launch(out.lines().filter(l -> !l.isBlank()).collect(Collectors.toList()));
    }

    /** A library jar with one resource, unique per call (so two dependencies differ in content). */
    private void writeDependencyJar(Path jar) throws IOException {
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o)) {
            j.putNextEntry(new JarEntry("dependency.txt"));
            j.write(jar.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
    }

    /** A jar whose Main prints {@code mark}, then the path it was loaded from. */
    private void writeStandInJar(Path jar, String mark) throws IOException {
        Path src = Files.createTempDirectory(project, "stand-in");
        Path file = src.resolve("Main.java");
        Files.writeString(file, "package dev.clm4j.cli;\n"
                + "public class Main { public static void main(String[] a) throws Exception {\n"
                + "  System.out.println(\"" + mark + "\");\n"
                + "  System.out.println(java.nio.file.Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()));\n"
                + "  for (String e : System.getProperty(\"java.class.path\").split(java.io.File.pathSeparator)) System.out.println(e);\n"
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
