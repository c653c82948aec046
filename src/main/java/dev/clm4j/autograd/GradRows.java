package dev.clm4j.autograd;

import dev.clm4j.tensor.Indices;
import java.util.Arrays;

/**
 * A sorted set of selected rows of a matrix (or entries of a vector), for which alone a gradient
 * is computed. {@link #rowMap()} maps a row to its position in the compact gradient, or -1.
 */
public final class GradRows {
    private final Indices rows;
    private final int totalRows;
    private Indices rowMap;

    public GradRows(int[] sortedRows, int totalRows) {
        for (int i = 0; i < sortedRows.length; i++) {
            if (sortedRows[i] < 0 || sortedRows[i] >= totalRows || (i > 0 && sortedRows[i] <= sortedRows[i - 1])) {
                throw new IllegalArgumentException("rows must be sorted, distinct and in [0, " + totalRows + ")");
            }
        }
        this.rows = new Indices(sortedRows.clone());
        this.totalRows = totalRows;
    }

    public Indices rows() {
        return rows;
    }

    public int count() {
        return rows.length();
    }

    public int totalRows() {
        return totalRows;
    }

    public Indices rowMap() {
        if (rowMap == null) {
            int[] map = new int[totalRows];
            Arrays.fill(map, -1);
            for (int i = 0; i < rows.length(); i++) {
                map[rows.get(i)] = i;
            }
            rowMap = new Indices(map);
        }
        return rowMap;
    }
}
