package dev.clm4j.experiment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Results grouped for a table or a plot panel: by dataset and setting, then by method in a fixed order. */
final class ResultGroups {
    /** One table: a dataset under one setting. */
    record Key(String dataset, String setting) {
        String title() {
            Setting s;
            try {
                s = Setting.fromId(setting);
            } catch (IllegalArgumentException e) {
                return dataset + ", " + setting;
            }
            return dataset + ", " + s.describe();
        }

        int settingOrder() {
            try {
                Setting s = Setting.fromId(setting);
                return s.full() ? 0 : s.perClass();
            } catch (IllegalArgumentException e) {
                return Integer.MAX_VALUE;
            }
        }
    }

    static final Comparator<Key> ORDER = Comparator.comparing(Key::dataset).thenComparingInt(Key::settingOrder)
            .thenComparing(Key::setting);

    private ResultGroups() {
    }

    /** Groups in dataset then setting order; in each, methods in {@code methodOrder} first, then the rest by name. */
    static Map<Key, Map<String, List<RunResult>>> of(List<RunResult> results, List<String> methodOrder) {
        Map<Key, List<RunResult>> byKey = new TreeMap<>(ORDER);
        for (RunResult r : results) {
            byKey.computeIfAbsent(new Key(r.dataset(), r.setting()), k -> new ArrayList<>()).add(r);
        }
        Map<Key, Map<String, List<RunResult>>> out = new LinkedHashMap<>();
        for (Map.Entry<Key, List<RunResult>> e : byKey.entrySet()) {
            List<String> methods = new ArrayList<>();
            for (String m : methodOrder) {
                if (e.getValue().stream().anyMatch(r -> r.method().equals(m))) {
                    methods.add(m);
                }
            }
            e.getValue().stream().map(RunResult::method).filter(m -> !methods.contains(m)).distinct().sorted()
                    .forEach(methods::add);
            Map<String, List<RunResult>> byMethod = new LinkedHashMap<>();
            for (String m : methods) {
                List<RunResult> rs = new ArrayList<>(e.getValue().stream().filter(r -> r.method().equals(m)).toList());
                rs.sort(Comparator.comparingLong(RunResult::seed));
                byMethod.put(m, rs);
            }
            out.put(e.getKey(), byMethod);
        }
        return out;
    }

    static List<Double> values(List<RunResult> rs, java.util.function.Function<RunResult, ? extends Number> f) {
        List<Double> out = new ArrayList<>();
        for (RunResult r : rs) {
            Number v = r.ok() ? f.apply(r) : null;
            if (v != null) {
                out.add(v.doubleValue());
            }
        }
        return out;
    }
}
