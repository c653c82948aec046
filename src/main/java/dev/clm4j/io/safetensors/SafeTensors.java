package dev.clm4j.io.safetensors;

import dev.clm4j.io.AtomicFiles;
import dev.clm4j.io.NamedArray;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an
 * 8-byte little-endian header length, a JSON header, then the raw little-endian tensor bytes.
 * Only F32 tensors are handled, which is all this engine stores. Files written here load in the
 * reference implementation (Python, Rust) and those written there with F32 tensors load here.
 */
public final class SafeTensors {
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensors() {
    }

    /**
     * Writes the tensors, in map order, with optional metadata. The file appears complete or not
     * at all: the bytes go to a temporary file in the same directory, are forced to disk, and the
     * temporary file is atomically renamed over the target.
     */
    public static void write(Path file, Map<String, NamedArray> tensors, Map<String, String> metadata)
            throws IOException {
        for (String name : tensors.keySet()) {
            if (name.isEmpty() || name.equals(SafeTensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name '" + name + "' for " + file);
            }
        }
        byte[] header = SafeTensorsHeader.build(tensors, metadata);
        AtomicFiles.write(file, out -> {
            ByteBuffer length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            out.write(length.putLong(header.length).array());
            out.write(header);
            for (NamedArray a : tensors.values()) {
                writeFloats(out, a.data());
            }
        });
    }

    /** Reads every tensor and the metadata; the tensors come in the order of their data in the file. */
    public static SafeTensorsFile read(Path file) throws IOException {
        String name = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < Long.BYTES) {
                throw SafeTensorsHeader.error(name, "file is truncated: " + size
                        + " bytes, too short for the 8-byte header length");
            }
            long headerLength = readFully(ch, 0, Long.BYTES, name).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 2 || headerLength > SafeTensorsHeader.MAX_HEADER_BYTES) {
                throw SafeTensorsHeader.error(name, "header length " + Long.toUnsignedString(headerLength)
                        + " is not plausible: not a safetensors file, or a damaged one");
            }
            if (Long.BYTES + headerLength > size) {
                throw SafeTensorsHeader.error(name, "file is truncated: header declares " + headerLength
                        + " bytes but only " + (size - Long.BYTES) + " follow");
            }
            byte[] header = new byte[(int) headerLength];
            readFully(ch, Long.BYTES, (int) headerLength, name).get(header);
            long dataStart = Long.BYTES + headerLength;
            SafeTensorsHeader.Parsed parsed = SafeTensorsHeader.parse(name, header, size - dataStart);
            List<TensorEntry> inFileOrder = new ArrayList<>(parsed.entries());
            inFileOrder.sort(Comparator.comparingLong(TensorEntry::begin));
            Map<String, NamedArray> tensors = new LinkedHashMap<>();
            for (TensorEntry e : inFileOrder) {
                float[] data = readFloats(ch, dataStart + e.begin(), e.byteLength(), name);
                tensors.put(e.name(), new NamedArray(e.name(), e.shape(), data));
            }
            return new SafeTensorsFile(tensors, parsed.metadata());
        }
    }

    private static void writeFloats(OutputStream out, float[] data) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = bytes.asFloatBuffer();
        for (int at = 0; at < data.length; ) {
            int n = Math.min(data.length - at, CHUNK_BYTES / Float.BYTES);
            floats.clear();
            floats.put(data, at, n);
            out.write(bytes.array(), 0, n * Float.BYTES);
            at += n;
        }
    }

    /** Reads in chunks so that a large tensor does not need a second full-size byte copy. */
    private static float[] readFloats(FileChannel ch, long position, long byteLength, String name) throws IOException {
        float[] out = new float[(int) (byteLength / Float.BYTES)];
        ByteBuffer bytes = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < out.length; ) {
            int n = Math.min(out.length - at, CHUNK_BYTES / Float.BYTES);
            bytes.clear().limit(n * Float.BYTES);
            fill(ch, bytes, position + (long) at * Float.BYTES, name);
            bytes.flip();
            bytes.asFloatBuffer().get(out, at, n);
            at += n;
        }
        return out;
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length, String name) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        fill(ch, buf, position, name);
        return buf.flip();
    }

    private static void fill(FileChannel ch, ByteBuffer buf, long position, String name) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                // The size was checked up front; this means the file shrank while being read.
                throw new EOFException(name + ": file is truncated: ended at byte " + at + " while reading tensor data");
            }
            at += n;
        }
    }
}
