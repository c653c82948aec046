package dev.clm4j.experiment;

import dev.clm4j.finetune.Methods;
import dev.clm4j.io.InputError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One row of the results: a finetuning method by its `clm finetune --method` name, optionally a
 * labelled variant with extra finetune options, e.g. {@code clm-notok=clm --new-tokens 0}.
 */
public record MethodSpec(String label, String method, List<String> args) {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.+-]+");

    public MethodSpec {
        args = List.copyOf(args);
    }

    /**
     * Parses {@code --methods}: comma-separated items, each a method name ({@code full}) or
     * {@code LABEL=METHOD [finetune options]}. Unknown method names are an {@link InputError} that
     * lists the known ones (whatever {@link Methods} knows, so new methods work once registered).
     */
    public static List<MethodSpec> parseList(String spec) {
        List<MethodSpec> out = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (String raw : spec.split(",")) {
            String item = raw.strip();
            if (item.isEmpty()) {
                continue;
            }
            MethodSpec m = parse(item);
            if (!labels.add(m.label())) {
                throw new InputError("--methods: '" + m.label() + "' given twice");
            }
            out.add(m);
        }
        if (out.isEmpty()) {
            throw new InputError("--methods: no method given");
        }
        return out;
    }

    private static MethodSpec parse(String item) {
        int eq = item.indexOf('=');
        String label = eq < 0 ? null : item.substring(0, eq).strip();
        List<String> words = new ArrayList<>(Arrays.asList(item.substring(eq + 1).strip().split("\\s+")));
        String method = words.remove(0);
        if (label == null) {
            if (!words.isEmpty()) {
                throw new InputError("--methods: '" + item + "' has options; name the variant: LABEL=" + item);
            }
            label = method;
        }
        if (!LABEL.matcher(label).matches()) {
            throw new InputError("--methods: bad label '" + label + "' (letters, digits, . _ + - only)");
        }
        try {
            Methods.byName(method);
        } catch (IllegalArgumentException e) {
            throw new InputError("--methods: " + e.getMessage());
        }
        return new MethodSpec(label, method, words);
    }
}
