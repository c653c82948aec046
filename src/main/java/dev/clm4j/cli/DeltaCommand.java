package dev.clm4j.cli;

import dev.clm4j.model.Checkpoint;
import dev.clm4j.model.DeltaCheckpoint;
import dev.clm4j.model.ModelCard;
import dev.clm4j.model.Pretrained;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `clm delta`: exports a saved model as its difference from the pretrained base. */
@Command(name = "delta", mixinStandardHelpOptions = true,
        description = {"Export a saved model as a compact delta from its pretrained base: the changed rows or entries, "
                + "the head and the added tokens.",
                "eval and predict take the delta directory as --model and give the same predictions as the full model."})
final class DeltaCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory written by finetune --out.")
    Path modelDir;

    @Option(names = "--out", required = true, description = "Directory to write the delta to.")
    Path out;

    @Override
    public Integer call() throws Exception {
        CliSupport.requireWritable(out, true, "--out");
        ModelCard card = CliSupport.card(Checkpoint.readConfig(modelDir).modelCard());
        DeltaCheckpoint.Summary s = DeltaCheckpoint.export(modelDir, out, Pretrained.weights(card));
        long full = s.modelBytes();
        System.out.printf("delta of %d tensors (%d dense, %d by rows, %d by entries), %,d values: %.2f MiB, %.2f%% of the"
                        + " full model's %.1f MiB%n", s.tensors(), s.dense(), s.rows(), s.elements(), s.values(),
                s.bytes() / 1048576.0, 100.0 * s.bytes() / full, full / 1048576.0);
        System.out.println("written to " + out);
        return 0;
    }
}
