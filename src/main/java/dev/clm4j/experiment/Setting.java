package dev.clm4j.experiment;

import dev.clm4j.io.InputError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** How much training data a run gets: the whole training set, or N examples per label (few-shot). */
public record Setting(Integer perClass) {
    public static final Setting FULL = new Setting(null);

    /** Full first, then by examples per class. */
    public static final Comparator<Setting> ORDER = Comparator.comparingInt(s -> s.perClass == null ? 0 : s.perClass);

    public static Setting perClass(int n) {
        return new Setting(n);
    }

    public boolean full() {
        return perClass == null;
    }

    /** Short id used in file names and results: {@code full} or {@code k10}. */
    public String id() {
        return full() ? "full" : "k" + perClass;
    }

    /** For people: "full training set" or "10 per class". */
    public String describe() {
        return full() ? "full training set" : perClass + " per class";
    }

    /** The inverse of {@link #id()}. */
    public static Setting fromId(String id) {
        if (id.equals("full")) {
            return FULL;
        }
        if (id.startsWith("k")) {
            try {
                return perClass(Integer.parseInt(id.substring(1)));
            } catch (NumberFormatException e) {
                // falls through
            }
        }
        throw new IllegalArgumentException("not a setting id: " + id);
    }

    /** Parses {@code --per-class}: a comma list of positive counts and/or {@code full}. */
    public static List<Setting> parseList(String spec) {
        List<Setting> out = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String s = raw.strip();
            if (s.isEmpty()) {
                continue;
            }
            Setting setting;
            if (s.equalsIgnoreCase("full")) {
                setting = FULL;
            } else {
                int n;
                try {
                    n = Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new InputError("--per-class: expected 'full' or a positive count, got '" + s + "'");
                }
                if (n < 1) {
                    throw new InputError("--per-class: counts must be positive, got " + n);
                }
                setting = perClass(n);
            }
            if (!out.contains(setting)) {
                out.add(setting);
            }
        }
        if (out.isEmpty()) {
            throw new InputError("--per-class: nothing given");
        }
        return out;
    }
}
