package dev.clm4j.finetune;

import dev.clm4j.io.InputError;
import dev.clm4j.io.data.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The classes of a task, fixed by the training file, in sorted order (so ids do not depend on row order). */
public final class LabelSet {
    private final List<String> labels;
    private final Map<String, Integer> ids = new HashMap<>();

    public LabelSet(List<String> labels) {
        this.labels = List.copyOf(labels);
        for (int i = 0; i < labels.size(); i++) {
            ids.put(labels.get(i), i);
        }
    }

    /** The labels of a training file; one class alone cannot train a classifier. */
    public static LabelSet fromTraining(List<Example> train, Path file) {
        TreeSet<String> set = new TreeSet<>();
        for (Example e : train) {
            set.add(e.label());
        }
        if (set.size() < 2) {
            throw InputError.at(file, 0, "the label column has only one class ('" + set.first() + "'); a classifier needs at least two");
        }
        return new LabelSet(new ArrayList<>(set));
    }

    public int size() {
        return labels.size();
    }

    public String label(int id) {
        return labels.get(id);
    }

    /** The id of a label, or -1 for a label never seen in training. */
    public int id(String label) {
        return ids.getOrDefault(label, -1);
    }

    public List<String> labels() {
        return labels;
    }
}
