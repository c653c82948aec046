package dev.clm4j.io.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where the parser is (file name, byte offset, which graph element) so that every failure can
 * say so in one line. It also watches the underlying stream for end-of-file: protobuf reports a
 * short stream and a lying length prefix with the same exception, and only the EOF flag tells
 * "the file is truncated" apart from "the file is malformed".
 */
final class ParseContext {
    private final String source;
    private final EofWatchingStream stream;
    private final CodedInputStream in;
    private String where = "model header";

    ParseContext(InputStream raw, String source) {
        this.source = source;
        this.stream = new EofWatchingStream(raw);
        this.in = CodedInputStream.newInstance(stream, 1 << 16);
        // Weights exceed protobuf's default guards; lengths are still checked against enclosing limits.
        this.in.setSizeLimit(Integer.MAX_VALUE);
        this.in.setRecursionLimit(64);
    }

    CodedInputStream in() {
        return in;
    }

    String source() {
        return source;
    }

    void at(String element) {
        this.where = element;
    }

    String where() {
        return where;
    }

    long offset() {
        return in.getTotalBytesRead();
    }

    /**
     * Checks that the current message was read to its declared end. On a stream, protobuf reports
     * end-of-message at end-of-file even inside a declared length, so a file cut exactly between
     * two fields would otherwise pass unnoticed; any unread remainder means the file is truncated.
     */
    void checkComplete() throws IOException {
        int missing = in.getBytesUntilLimit();
        if (missing > 0) {
            throw new IOException(source + ": file is truncated: input ended at byte " + offset() + " while reading "
                    + where + " (" + missing + " more bytes were declared)");
        }
    }

    /** Ends a nested message: checks it is complete, then restores the enclosing limit. */
    void popLimit(int oldLimit) throws IOException {
        checkComplete();
        in.popLimit(oldLimit);
    }

    /** A clear error for a file that is structurally wrong (not a truncation). */
    IOException malformed(String problem) {
        return new IOException(source + ": malformed ONNX file at byte " + offset() + " (" + where + "): " + problem);
    }

    /** Turns protobuf's low-level exception into one that names the file, the offset and the element. */
    IOException translate(InvalidProtocolBufferException e) {
        if (stream.sawEof) {
            return new IOException(source + ": file is truncated: input ended at byte " + stream.count
                    + " while reading " + where, e);
        }
        return new IOException(source + ": malformed ONNX file near byte " + offset() + " (" + where + "): "
                + e.getMessage(), e);
    }

    /** Counts bytes and remembers whether the underlying stream ever reported end-of-file. */
    private static final class EofWatchingStream extends FilterInputStream {
        long count;
        boolean sawEof;

        EofWatchingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                sawEof = true;
            } else {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n < 0) {
                sawEof = true;
            } else {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skip by reading so that a short file is noticed here too (FileInputStream.skip can overshoot EOF).
            long done = 0;
            byte[] scratch = new byte[(int) Math.min(n, 8192)];
            while (done < n) {
                int r = read(scratch, 0, (int) Math.min(scratch.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }
    }
}
