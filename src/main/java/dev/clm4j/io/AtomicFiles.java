package dev.clm4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a file so that readers see either the old content or the new, never a half-written file:
 * write a temporary file in the same directory, force it to disk, then rename it over the target.
 * A failure names the target, never the temporary file, which the user has not heard of.
 */
public final class AtomicFiles {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /**
     * The name {@link #write} gives its temporary file: "." + target name + "." + a random unsigned
     * long in base 36 (at most 13 digits) + ".tmp". Group 1 is the target's name.
     */
    private static final Pattern TEMPORARY = Pattern.compile("\\.(.+)\\.[0-9a-z]{1,13}\\.tmp");

    private AtomicFiles() {
    }

    /** Something that writes the whole content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        createDirectories(dir);
        // Not Files.createTempFile: that makes the file owner-only (0600), and the rename would carry
        // those permissions to the checkpoint. A new file under the umask, with a name no other
        // writer picks, gets the permissions any other file the user writes gets.
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(
                    Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 20)) {
                writer.writeTo(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (FileSystemException e) {
            throw aboutTarget(e, tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /**
     * Files.createDirectories, with failures that say what is wrong. Its own messages mislead: a
     * file in the way is a FileAlreadyExistsException whose message is only the path, and a file
     * system that refuses new entries (mkdir in /proc, as root) is "no such file", though the
     * parent exists.
     */
    public static void createDirectories(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (FileSystemException e) {
            // The nearest existing ancestor (or dir itself) tells which problem it is.
            Path existing = nearestExisting(dir);
            if (existing != null && !Files.isDirectory(existing)) {
                throw problem(existing, Files.isRegularFile(existing) ? "is a file, not a directory"
                        : "exists and is not a directory", e);
            }
            if (e instanceof NoSuchFileException && existing != null) {
                // createDirectories makes the missing parents itself, so "no such file" here means
                // the directory that exists does not let us create anything in it.
                throw problem(Path.of(e.getFile() == null ? dir.toString() : e.getFile()),
                        "cannot create a directory here: the file system does not allow it", e);
            }
            throw e;
        }
    }

    /** {@code path} itself if it exists, else its nearest existing ancestor (null if none is). */
    public static Path nearestExisting(Path path) {
        Path p = path.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p;
    }

    /**
     * Removes the temporary files that {@link #write} left in {@code dir} for targets whose name
     * {@code target} accepts: a write killed before its rename (kill -9, power loss) leaves its
     * temporary file behind, possibly as big as the model. Only names of write's own pattern are
     * touched, so a user's files in the directory stay.
     */
    public static void removeLeftovers(Path dir, Predicate<String> target) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path f : files) {
                Matcher m = TEMPORARY.matcher(f.getFileName().toString());
                if (m.matches() && target.test(m.group(1)) && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** A failure that named the temporary file, named for the target instead. */
    private static FileSystemException aboutTarget(FileSystemException e, Path tmp, Path target) {
        boolean namesTmp = tmp.toString().equals(e.getFile()) || tmp.toString().equals(e.getOtherFile());
        if (!namesTmp) {
            return e;
        }
        if (Files.isDirectory(target)) {
            // rename(2) of a file over a directory: EISDIR, reported as "TMP -> TARGET: Is a directory".
            return problem(target, "is a directory", e);
        }
        if (e instanceof NoSuchFileException && Files.isDirectory(tmp.getParent())) {
            // The directory exists (write made it), so the file system refuses new files (/proc, as root).
            return problem(target, "cannot create a file here: the file system does not allow it", e);
        }
        return problem(target, FileErrors.reason(e), e);
    }

    private static FileSystemException problem(Path file, String reason, Throwable cause) {
        FileSystemException e = new FileSystemException(file.toString(), null, reason);
        e.initCause(cause);
        return e;
    }
}
