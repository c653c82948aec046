package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.Shapes;
import dev.clm4j.tensor.Tensor;

/** Whole-tensor reductions to one double (reduce.cu): per-block partials, then one block adds them. */
final class ReductionOps {
    private static final int BLOCK = 256;
    private static final int MAX_BLOCKS = 1024;

    private final CudaDevice device;

    ReductionOps(CudaDevice device) {
        this.device = device;
    }

    double sumSquares(Tensor t) {
        int n = t.size();
        if (n == 0) {
            return 0.0;
        }
        try (Partials p = new Partials(n)) {
            device.kernel("sum_squares_partial").grid(p.blocks, 1, 1).block(BLOCK, 1, 1)
                    .address(p.partial).ptr(t).arg(n).launch();
            return p.total();
        }
    }

    double dot(Tensor a, Tensor b) {
        Shapes.require(a.size() == b.size(), "dot: %s and %s", Shapes.str(a), Shapes.str(b));
        int n = a.size();
        if (n == 0) {
            return 0.0;
        }
        try (Partials p = new Partials(n)) {
            device.kernel("dot_partial").grid(p.blocks, 1, 1).block(BLOCK, 1, 1)
                    .address(p.partial).ptr(a).ptr(b).arg(n).launch();
            return p.total();
        }
    }

    /** Scratch for one reduction: a double per block, then one for the result. */
    private final class Partials implements AutoCloseable {
        final int blocks;
        final long partial;
        private final long bytes;

        Partials(int n) {
            this.blocks = (int) Math.min(MAX_BLOCKS, (n + BLOCK - 1L) / BLOCK);
            this.bytes = 8L * (blocks + 1);
            this.partial = device.memory.allocate(bytes);
        }

        /** Adds the partials on the device and downloads the sum. */
        double total() {
            long result = partial + 8L * blocks;
            device.kernel("sum_partials").grid(1, 1, 1).block(BLOCK, 1, 1)
                    .address(result).address(partial).arg(blocks).launch();
            return device.memory.downloadDouble(result);
        }

        @Override
        public void close() {
            device.memory.release(partial, bytes);
        }
    }
}
