package dev.clm4j.nn;

import dev.clm4j.autograd.GradRows;
import dev.clm4j.tensor.Indices;
import java.util.Arrays;

/**
 * Which entries of a parameter train. Row granularity selects whole rows (output neurons of a
 * linear weight, vocabulary rows of an embedding, entries of a vector); element granularity selects
 * single entries by flat index. Gradients are computed only for the rows that hold a selected entry.
 */
public final class Mask {
    private final GradRows rows;
    private final int cols;
    private final int[] elements; // sorted flat indices, or null for whole rows
    private Indices paramIndices;
    private Indices gradIndices;

    private Mask(GradRows rows, int cols, int[] elements) {
        this.rows = rows;
        this.cols = cols;
        this.elements = elements;
    }

    /** Whole rows of a [totalRows, cols] parameter (a vector is [n, 1]). */
    public static Mask rows(int[] sortedRows, int totalRows, int cols) {
        return new Mask(new GradRows(sortedRows, totalRows), cols, null);
    }

    /** Single entries, by sorted flat index into a [totalRows, cols] parameter. */
    public static Mask elements(int[] sortedFlat, int totalRows, int cols) {
        for (int i = 1; i < sortedFlat.length; i++) {
            if (sortedFlat[i] <= sortedFlat[i - 1]) {
                throw new IllegalArgumentException("element indices must be sorted and distinct");
            }
        }
        int[] touched = Arrays.stream(sortedFlat).map(f -> f / cols).distinct().toArray();
        return new Mask(new GradRows(touched, totalRows), cols, sortedFlat.clone());
    }

    public GradRows gradRows() {
        return rows;
    }

    public boolean wholeRows() {
        return elements == null;
    }

    public int cols() {
        return cols;
    }

    /** The selected rows (for element masks, the rows that hold a selected entry). */
    public int[] selectedRows() {
        return rows.rows().array().clone();
    }

    /** How many entries train: the optimizer keeps exactly this much state. */
    public int trainableCount() {
        return elements == null ? rows.count() * cols : elements.length;
    }

    /** Flat parameter index of each trainable entry, in order. */
    public Indices paramIndices() {
        if (paramIndices == null) {
            if (elements != null) {
                paramIndices = new Indices(elements);
            } else {
                int[] idx = new int[trainableCount()];
                int[] r = rows.rows().array();
                for (int i = 0; i < r.length; i++) {
                    for (int j = 0; j < cols; j++) {
                        idx[i * cols + j] = r[i] * cols + j;
                    }
                }
                paramIndices = new Indices(idx);
            }
        }
        return paramIndices;
    }

    /** Index into the compact row gradient of each trainable entry, or null when they coincide. */
    public Indices gradIndices() {
        if (elements == null) {
            return null;
        }
        if (gradIndices == null) {
            int[] map = rows.rowMap().array();
            int[] idx = new int[elements.length];
            for (int i = 0; i < elements.length; i++) {
                idx[i] = map[elements[i] / cols] * cols + elements[i] % cols;
            }
            gradIndices = new Indices(idx);
        }
        return gradIndices;
    }

    /** Sorted flat indices of every trainable entry (what a checkpoint stores). */
    public int[] flatIndices() {
        return paramIndices().array().clone();
    }
}
