package dev.clm4j.finetune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification metrics from gold and predicted ids. A gold id of -1 (a test label never seen in
 * training) counts as an error and is reported, not dropped: it lowers accuracy, and its prediction
 * is a false positive of the class it was predicted as, lowering that class's precision.
 *
 * <p>The classes are the model's (the training labels). An unseen gold label is not a class of its
 * own in {@link #perClass()} or {@link #macroF1()}: the model cannot predict it, so it would only add
 * an F1 of 0 whose weight depended on how many distinct unseen labels the test file happens to hold
 * (which this class cannot even tell apart, they are all -1). Its errors still count, through
 * accuracy and the predicted classes' precision, and {@link #unseenGoldLabels()} reports how many
 * there were. (scikit-learn, given the raw label strings, would add one zero-F1 class per unseen label.)
 */
public final class Metrics {
    /** Precision, recall and F1 of one class, with its support (gold count). */
    public record ClassScore(String label, double precision, double recall, double f1, int support) {
    }

    /** A pair of labels the model confuses: gold, predicted, how often. */
    public record Confusion(String gold, String predicted, int count) {
    }

    private final LabelSet labels;
    private final int[][] confusion;
    /** Per predicted class, how many texts with an unseen gold label it was predicted for. */
    private final int[] unseenPredictedAs;
    private int total;
    private int correct;
    private int unseenGold;

    public Metrics(LabelSet labels) {
        this.labels = labels;
        this.confusion = new int[labels.size()][labels.size()];
        this.unseenPredictedAs = new int[labels.size()];
    }

    public void add(int gold, int predicted) {
        total++;
        if (gold < 0) {
            unseenGold++;
            // Wrong whatever the model said: a false positive of the predicted class.
            unseenPredictedAs[predicted]++;
            return;
        }
        confusion[gold][predicted]++;
        if (gold == predicted) {
            correct++;
        }
    }

    public int total() {
        return total;
    }

    public int unseenGoldLabels() {
        return unseenGold;
    }

    public double accuracy() {
        return total == 0 ? 0 : (double) correct / total;
    }

    public List<ClassScore> perClass() {
        List<ClassScore> out = new ArrayList<>();
        int k = labels.size();
        for (int c = 0; c < k; c++) {
            int tp = confusion[c][c];
            int predicted = predictedCount(c);
            int gold = 0;
            for (int j = 0; j < k; j++) {
                gold += confusion[c][j];
            }
            double p = predicted == 0 ? 0 : (double) tp / predicted;
            double r = gold == 0 ? 0 : (double) tp / gold;
            double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
            out.add(new ClassScore(labels.label(c), p, r, f1, gold));
        }
        return out;
    }

    /**
     * Mean F1 over the model's classes that occur in the gold labels or in the predictions (as
     * scikit-learn's macro average over the labels present). A class that is only predicted has F1 0
     * and counts: leaving it out would drop its false positives, among them those of unseen gold
     * labels, from the average.
     */
    public double macroF1() {
        List<ClassScore> scores = perClass();
        double sum = 0;
        int n = 0;
        for (int c = 0; c < scores.size(); c++) {
            ClassScore s = scores.get(c);
            if (s.support() > 0 || predictedCount(c) > 0) {
                sum += s.f1();
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private int predictedCount(int c) {
        int n = unseenPredictedAs[c];
        for (int[] row : confusion) {
            n += row[c];
        }
        return n;
    }

    /** The most frequent off-diagonal pairs. */
    public List<Confusion> mostConfused(int top) {
        List<Confusion> all = new ArrayList<>();
        for (int g = 0; g < labels.size(); g++) {
            for (int p = 0; p < labels.size(); p++) {
                if (g != p && confusion[g][p] > 0) {
                    all.add(new Confusion(labels.label(g), labels.label(p), confusion[g][p]));
                }
            }
        }
        all.sort(Comparator.comparingInt(Confusion::count).reversed()
                .thenComparing(Confusion::gold).thenComparing(Confusion::predicted));
        return all.subList(0, Math.min(top, all.size()));
    }

    /** Everything a report holds about the scores. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", accuracy());
        m.put("macro_f1", macroF1());
        m.put("examples", total);
        m.put("unseen_test_labels", unseenGold);
        m.put("per_class", perClass());
        m.put("most_confused", mostConfused(10));
        return m;
    }
}
