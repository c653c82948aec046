package dev.clm4j.io.safetensors;

import dev.clm4j.io.NamedArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of a safetensors file: tensors in the order of their data in the file (which is
 * the order they were written in by {@link SafeTensors#write}), and the string metadata.
 */
public record SafeTensorsFile(Map<String, NamedArray> tensors, Map<String, String> metadata) {

    public SafeTensorsFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public NamedArray tensor(String name) {
        return tensors.get(name);
    }
}
