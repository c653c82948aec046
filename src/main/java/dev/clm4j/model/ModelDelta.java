package dev.clm4j.model;

import dev.clm4j.io.NamedArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What finetuning changed in a model, relative to its pretrained base: for each tensor, only the
 * entries whose bits differ, stored as whole rows, single entries or the dense tensor, whichever is
 * smallest. Tensors the base lacks (the head) are dense; rows the base lacks (added vocabulary) are
 * diffed against zeros. Applying the delta to the same base reproduces every weight bit for bit, so
 * a sparse finetune ships as a few hundred kilobytes next to the shared base model.
 */
public final class ModelDelta {

    /** How one tensor's changes are stored. */
    public enum Encoding { DENSE, ROWS, ELEMENTS }

    /**
     * The changes of one tensor of the given shape: DENSE holds every value; ROWS holds the listed
     * rows, [indices.length, cols] values; ELEMENTS holds one value per listed flat index.
     */
    public record Entry(String name, int[] shape, Encoding encoding, int[] indices, float[] values) {
    }

    private final List<Entry> entries;

    public ModelDelta(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Number of stored values. */
    public long valueCount() {
        long n = 0;
        for (Entry e : entries) {
            n += e.values().length;
        }
        return n;
    }

    /** The changes that turn {@code base} into {@code trained} (every tensor of the trained model). */
    public static ModelDelta between(Map<String, NamedArray> base, Map<String, NamedArray> trained) {
        List<Entry> entries = new ArrayList<>();
        for (NamedArray t : trained.values()) {
            float[] start = start(base.get(t.name()), t.shape());
            if (start == null) {
                entries.add(new Entry(t.name(), t.shape().clone(), Encoding.DENSE, new int[0], t.data().clone()));
                continue;
            }
            Entry e = diff(t, start);
            if (e != null) {
                entries.add(e);
            }
        }
        return new ModelDelta(entries);
    }

    /**
     * The trained tensors: for each wanted name and shape, the base value with this delta applied.
     * A tensor the base lacks must be stored whole in the delta.
     */
    public Map<String, NamedArray> applyTo(Map<String, NamedArray> base, Map<String, int[]> wanted) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : entries) {
            byName.put(e.name(), e);
        }
        Map<String, NamedArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> w : wanted.entrySet()) {
            String name = w.getKey();
            int[] shape = w.getValue();
            Entry e = byName.remove(name);
            if (e != null && !Arrays.equals(e.shape(), shape)) {
                throw new IllegalArgumentException("delta tensor '" + name + "' has shape " + Arrays.toString(e.shape())
                        + ", the model needs " + Arrays.toString(shape));
            }
            float[] values;
            if (e != null && e.encoding() == Encoding.DENSE) {
                values = e.values().clone();
            } else {
                values = start(base.get(name), shape);
                if (values == null) {
                    throw new IllegalArgumentException("tensor '" + name + "' is neither in the base model nor stored whole in the delta");
                }
                if (e != null) {
                    patch(values, e);
                }
            }
            out.put(name, new NamedArray(name, shape.clone(), values));
        }
        if (!byName.isEmpty()) {
            throw new IllegalArgumentException("delta tensors not in the model: " + byName.keySet());
        }
        return out;
    }

    /**
     * SHA-256 over the names, shapes and float bits of the tensors, in name order: identifies the
     * base a delta was made against.
     */
    public static String fingerprint(Map<String, NamedArray> tensors) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (NamedArray a : new TreeMap<>(tensors).values()) {
            md.update(a.name().getBytes(StandardCharsets.UTF_8));
            for (int d : a.shape()) {
                md.update((byte) 0);
                md.update(Integer.toString(d).getBytes(StandardCharsets.US_ASCII));
            }
            float[] data = a.data();
            for (int at = 0; at < data.length; ) {
                buf.clear();
                int n = Math.min(data.length - at, buf.capacity() / Float.BYTES);
                buf.asFloatBuffer().put(data, at, n);
                md.update(buf.array(), 0, n * Float.BYTES);
                at += n;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The base's value of a tensor of this shape: the base tensor itself, or extended with zero rows
     * when the model has more rows (a grown vocabulary); null when the base has nothing to offer.
     */
    private static float[] start(NamedArray base, int[] shape) {
        if (base == null) {
            return null;
        }
        if (Arrays.equals(base.shape(), shape)) {
            return base.data().clone();
        }
        boolean moreRows = base.shape().length == 2 && shape.length == 2 && base.shape()[1] == shape[1]
                && base.shape()[0] <= shape[0];
        return moreRows ? Arrays.copyOf(base.data(), shape[0] * shape[1]) : null;
    }

    private static Entry diff(NamedArray trained, float[] start) {
        float[] now = trained.data();
        int cols = trained.shape().length == 2 ? trained.shape()[1] : 1;
        int rows = now.length / Math.max(1, cols);
        int changed = 0;
        int changedRows = 0;
        for (int r = 0; r < rows; r++) {
            boolean rowChanged = false;
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                if (Float.floatToRawIntBits(now[i]) != Float.floatToRawIntBits(start[i])) {
                    changed++;
                    rowChanged = true;
                }
            }
            changedRows += rowChanged ? 1 : 0;
        }
        if (changed == 0) {
            return null;
        }
        long denseBytes = 4L * now.length;
        long rowBytes = 4L * changedRows * (cols + 1);
        long elementBytes = 8L * changed;
        int[] shape = trained.shape().clone();
        if (denseBytes <= rowBytes && denseBytes <= elementBytes) {
            return new Entry(trained.name(), shape, Encoding.DENSE, new int[0], now.clone());
        }
        if (trained.shape().length == 2 && rowBytes <= elementBytes) {
            int[] idx = new int[changedRows];
            float[] values = new float[changedRows * cols];
            int k = 0;
            for (int r = 0; r < rows; r++) {
                if (!sameBits(now, start, r * cols, cols)) {
                    idx[k] = r;
                    System.arraycopy(now, r * cols, values, k * cols, cols);
                    k++;
                }
            }
            return new Entry(trained.name(), shape, Encoding.ROWS, Arrays.copyOf(idx, k), Arrays.copyOf(values, k * cols));
        }
        int[] idx = new int[changed];
        float[] values = new float[changed];
        int k = 0;
        for (int i = 0; i < now.length; i++) {
            if (Float.floatToRawIntBits(now[i]) != Float.floatToRawIntBits(start[i])) {
                idx[k] = i;
                values[k++] = now[i];
            }
        }
        return new Entry(trained.name(), shape, Encoding.ELEMENTS, idx, values);
    }

    private static boolean sameBits(float[] a, float[] b, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                return false;
            }
        }
        return true;
    }

    private static void patch(float[] values, Entry e) {
        int cols = e.shape().length == 2 ? e.shape()[1] : 1;
        int rows = values.length / Math.max(1, cols);
        switch (e.encoding()) {
            case ROWS -> {
                if (e.values().length != e.indices().length * cols) {
                    throw new IllegalArgumentException("delta tensor '" + e.name() + "': " + e.indices().length
                            + " rows need " + e.indices().length * cols + " values, found " + e.values().length);
                }
                for (int k = 0; k < e.indices().length; k++) {
                    int r = e.indices()[k];
                    if (r < 0 || r >= rows) {
                        throw new IllegalArgumentException("delta tensor '" + e.name() + "': row " + r + " out of range");
                    }
                    System.arraycopy(e.values(), k * cols, values, r * cols, cols);
                }
            }
            case ELEMENTS -> {
                if (e.values().length != e.indices().length) {
                    throw new IllegalArgumentException("delta tensor '" + e.name() + "': " + e.indices().length
                            + " indices but " + e.values().length + " values");
                }
                for (int k = 0; k < e.indices().length; k++) {
                    int i = e.indices()[k];
                    if (i < 0 || i >= values.length) {
                        throw new IllegalArgumentException("delta tensor '" + e.name() + "': index " + i + " out of range");
                    }
                    values[i] = e.values()[k];
                }
            }
            default -> throw new IllegalStateException("dense entries replace the tensor");
        }
    }
}
