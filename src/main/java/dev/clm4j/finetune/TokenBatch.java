package dev.clm4j.finetune;

import dev.clm4j.nn.Sequences;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import java.util.List;

/** A padded batch ready for the encoder: ids [batch * length], its Sequences, labels, source rows. */
public record TokenBatch(Indices ids, Sequences seq, Indices labels, int[] rows) {

    /** Pads the given examples to the longest among them (dynamic padding) with the pad id. */
    public static TokenBatch of(Backend backend, List<TokenizedExample> all, int[] rows, int padId) {
        int longest = 1;
        for (int r : rows) {
            longest = Math.max(longest, all.get(r).ids().length);
        }
        int n = rows.length;
        int[] ids = new int[n * longest];
        float[] mask = new float[n * longest];
        int[] labels = new int[n];
        for (int b = 0; b < n; b++) {
            TokenizedExample e = all.get(rows[b]);
            java.util.Arrays.fill(ids, b * longest, (b + 1) * longest, padId);
            System.arraycopy(e.ids(), 0, ids, b * longest, e.ids().length);
            for (int i = 0; i < e.ids().length; i++) {
                mask[b * longest + i] = 1f;
            }
            labels[b] = Math.max(0, e.label());
        }
        return new TokenBatch(new Indices(ids), new Sequences(n, longest, backend.upload(mask, n, longest)),
                new Indices(labels), rows.clone());
    }

    public int size() {
        return rows.length;
    }
}
