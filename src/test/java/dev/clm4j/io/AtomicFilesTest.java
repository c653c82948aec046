package dev.clm4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheContentAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("report.json");
        AtomicFiles.write(target, "old".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(target, "new".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("new".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aFailedWriteKeepsTheOldContentAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("model.safetensors");
        AtomicFiles.write(target, "old".getBytes(StandardCharsets.UTF_8));
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    /** The written file is readable by others like any file the user makes, not owner-only. */
    @Test
    void theFileGetsTheUsualPermissionsNotOwnerOnly() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path plain = dir.resolve("plain.txt");
        Files.write(plain, new byte[] {1});
        Path target = dir.resolve("atomic.txt");
        AtomicFiles.write(target, new byte[] {1});
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        assertEquals(expected, Files.getPosixFilePermissions(target));
    }

    /** Renaming over a directory fails; the message names the target, not the temporary file, and none is left. */
    @Test
    void writingOverADirectorySaysSoAndNamesTheTarget() throws IOException {
        Path target = Files.createDirectory(dir.resolve("adir"));
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> AtomicFiles.write(target, new byte[] {1}));
        assertEquals(target.toString() + ": is a directory", FileErrors.message(e));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "no temporary file is left");
        }
    }

    /** A file where a directory must be: the message names that file and says it is one, at any depth below it. */
    @Test
    void aFileInTheWayOfADirectoryIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("t.csv"), "text,label\n");
        for (Path d : List.of(file, file.resolve("sub"), file.resolve("sub/deeper"))) {
            FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.createDirectories(d));
            assertEquals(file + ": is a file, not a directory", FileErrors.message(e), d.toString());
        }
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> AtomicFiles.write(file.resolve("r.json"), new byte[] {1}));
        assertEquals(file + ": is a file, not a directory", FileErrors.message(e));
    }

    /**
     * /proc takes no new entries: as root mkdir says ENOENT ("no such file", though /proc is there),
     * as anyone else EACCES. Either way the message must not be "no such file".
     */
    @Test
    void aFileSystemThatRefusesNewDirectoriesIsNotNoSuchFile() {
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc.resolve("self")), "needs Linux /proc");
        Path d = proc.resolve("clm4j-test-" + ProcessHandle.current().pid());
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.createDirectories(d));
        String msg = FileErrors.message(e);
        assertTrue(msg.startsWith(d + ": "), msg);
        assertFalse(msg.contains("no such file"), msg);
        FileSystemException w = assertThrows(FileSystemException.class, () -> AtomicFiles.write(d, new byte[] {1}));
        msg = FileErrors.message(w);
        assertTrue(msg.startsWith(d + ": "), "names the target, not the temporary file: " + msg);
        assertFalse(msg.contains("no such file") || msg.contains(".tmp"), msg);
    }

    /** The temporary files of killed writes go, for the targets asked about only; other files stay. */
    @Test
    void removesLeftoverTemporaryFilesOfTheGivenTargetsOnly() throws IOException {
        Path leftover = Files.write(dir.resolve(".model.bin.3bnx0k2a1qz9.tmp"), new byte[] {1});
        List<Path> kept = List.of(
                Files.write(dir.resolve(".notes.txt.3bnx0k2a1qz9.tmp"), new byte[] {1}), // another target's
                Files.write(dir.resolve(".model.bin.tmp"), new byte[] {1}),               // not our pattern
                Files.write(dir.resolve("model.bin.abc.tmp"), new byte[] {1}),            // not hidden
                Files.write(dir.resolve(".model.bin.ABC.tmp"), new byte[] {1}),           // not base 36 lower case
                Files.write(dir.resolve("model.bin"), new byte[] {1}));
        AtomicFiles.removeLeftovers(dir, "model.bin"::equals);
        assertFalse(Files.exists(leftover));
        for (Path p : kept) {
            assertTrue(Files.exists(p), p + " is not ours to remove");
        }
    }
}
