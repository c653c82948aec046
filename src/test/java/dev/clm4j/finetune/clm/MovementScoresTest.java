package dev.clm4j.finetune.clm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.finetune.MethodContext;
import dev.clm4j.finetune.TokenizedExample;
import dev.clm4j.finetune.TrainConfig;
import dev.clm4j.io.InputError;
import dev.clm4j.io.NamedArray;
import dev.clm4j.model.Checkpoint;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.Linear;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.TinyModels;
import dev.clm4j.tensor.ReferenceBackend;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --score-from}: the scores are the squared movement of each entry from the pretrained
 * weights to a finetuned model's, and the mask takes the rows that moved most.
 */
class MovementScoresTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private final ReferenceBackend cpu = new ReferenceBackend();

    @TempDir
    Path dir;

    @Test
    void scoresAreTheSquaredMovementAndAMismatchIsAnError() {
        Classifier base = TinyModels.tinyClassifier(cpu, 1, 3, Pooling.MEAN, 5);
        Parameter w = base.encoder().layers().get(0).linears().get(0).weight();
        float[] pretrained = cpu.download(w.value());
        float[] tuned = pretrained.clone();
        tuned[0] += 0.5f;
        tuned[7] -= 2f;
        Map<Parameter, float[]> s = MovementScores.of(cpu, List.of(w),
                Map.of(w.name(), new NamedArray(w.name(), w.value().shape(), tuned)), "m");
        float[] expected = new float[pretrained.length];
        expected[0] = 0.25f;
        expected[7] = 4f;
        assertArrayEquals(expected, s.get(w), 1e-6f);

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> MovementScores.of(cpu, List.of(w), Map.of(), "m"));
        assertTrue(missing.getMessage().contains(w.name()), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MovementScores.of(cpu, List.of(w),
                Map.of(w.name(), new NamedArray(w.name(), new int[] {pretrained.length}, tuned)), "m"));
    }

    @Test
    void theMaskTakesTheRowsTheFinetunedModelMovedMost() throws Exception {
        // "Finetuned": every linear of both layers moved a little, three rows of one matrix a lot.
        Classifier tuned = TinyModels.tinyClassifier(cpu, 2, 3, Pooling.MEAN, 5);
        SplittableRandom rng = new SplittableRandom(3);
        Linear target = tuned.encoder().layers().get(1).linears().get(2);
        int[] moved = {1, 4, 9};
        for (var layer : tuned.encoder().layers()) {
            for (Linear lin : layer.linears()) {
                for (Parameter p : List.of(lin.weight(), lin.bias())) {
                    float[] v = cpu.download(p.value());
                    for (int i = 0; i < v.length; i++) {
                        v[i] += (float) (1e-3 * rng.nextGaussian());
                    }
                    if (lin == target && p == lin.weight()) {
                        for (int r : moved) {
                            v[r * p.colCount()] += 1f;
                        }
                    }
                    p.set(cpu.upload(v, p.value().shape()));
                }
            }
        }
        Checkpoint.save(dir, cpu, tuned, "tiny", List.of("a", "b", "c"), 16, List.of(), "full");

        Classifier base = TinyModels.tinyClassifier(cpu, 2, 3, Pooling.MEAN, 5);
        long encoderParams = base.encoder().parameters().stream().mapToLong(p -> p.value().size()).sum();
        long rowCost = target.weight().colCount() + 1;
        double density = (double) (moved.length * rowCost) / encoderParams;
        ClmOptions d = ClmOptions.defaults();
        ClmOptions options = new ClmOptions(density, 0, true, d.groups(), d.minCount(), 0, false, false, d.calibration(),
                d.microBatch(), d.statistic(), false, d.scale(), d.pick(), dir, 0);
        ClmMethod method = new ClmMethod(ClmMethod.Selection.FISHER, options);
        method.prepare(List.of("a b", "b c", "c a"), new int[] {0, 1, 2}, List.of("a", "b", "c"), new FakeVocabulary());
        List<TokenizedExample> train = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            train.add(new TokenizedExample(new int[] {1, 2 + i % 5, 3}, i % 3, false));
        }
        method.configure(base, new MethodContext(cpu, train, TrainConfig.defaults(), 0, QUIET));

        Map<String, Long> trainable = new LinkedHashMap<>();
        for (Parameter p : base.encoder().parameters()) {
            if (p.trainableCount() > 0) {
                trainable.put(p.name(), p.trainableCount());
            }
        }
        Linear chosen = base.encoder().layers().get(1).linears().get(2);
        assertEquals(Map.of(chosen.weight().name(), (long) moved.length * chosen.weight().colCount(),
                chosen.bias().name(), (long) moved.length), trainable);
        assertArrayEquals(moved, chosen.weight().mask().selectedRows());
        assertEquals(dir.toString(), method.report().get("scores_from"));
    }

    @Test
    void aModelOfAnotherShapeIsAnInputError() throws Exception {
        Checkpoint.save(dir, cpu, TinyModels.tinyClassifier(cpu, 1, 3, Pooling.MEAN, 5), "tiny", List.of("a", "b", "c"), 16,
                List.of(), "full");
        ClmOptions d = ClmOptions.defaults();
        ClmOptions options = new ClmOptions(0.1, 0, true, d.groups(), d.minCount(), 0, false, false, d.calibration(),
                d.microBatch(), d.statistic(), false, d.scale(), d.pick(), dir, 0);
        ClmMethod method = new ClmMethod(ClmMethod.Selection.FISHER, options);
        method.prepare(List.of("a b", "b c", "c a"), new int[] {0, 1, 2}, List.of("a", "b", "c"), new FakeVocabulary());
        List<TokenizedExample> train = List.of(new TokenizedExample(new int[] {1, 2, 3}, 0, false));
        Classifier twoLayers = TinyModels.tinyClassifier(cpu, 2, 3, Pooling.MEAN, 5);
        InputError e = assertThrows(InputError.class,
                () -> method.configure(twoLayers, new MethodContext(cpu, train, TrainConfig.defaults(), 0, QUIET)));
        assertTrue(e.getMessage().contains("encoder.layer.1"), e.getMessage());
    }
}
