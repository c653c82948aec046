package dev.clm4j.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Keeps the Java side's lists in step with kernels/ (no GPU needed): every family file is compiled,
 * every kernel the backend launches exists in the sources, and no kernel is dead.
 */
class KernelSourcesTest {
    private static final Pattern KERNEL = Pattern.compile("extern\\s+\"C\"\\s+__global__\\s+void\\s+(\\w+)\\s*\\(");

    private static Path kernelDir() {
        Path dir = Path.of(System.getProperty("clm.cuda.kernels", "kernels"));
        Assumptions.assumeTrue(Files.isDirectory(dir), "no kernels/ directory in " + Path.of("").toAbsolutePath());
        return dir;
    }

    private static Set<String> filesEndingWith(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void everyFamilyAndHeaderIsListed() throws IOException {
        Path dir = kernelDir();
        assertEquals(filesEndingWith(dir, ".cu"), new TreeSet<>(KernelSources.FAMILIES), "kernels/*.cu vs FAMILIES");
        assertEquals(filesEndingWith(dir, ".cuh"), new TreeSet<>(KernelSources.HEADERS), "kernels/*.cuh vs HEADERS");
    }

    @Test
    void kernelNamesMatchTheSources() {
        Set<String> defined = new TreeSet<>();
        for (String family : KernelSources.FAMILIES) {
            String source = KernelSources.read(family);
            assertTrue(source.startsWith("//"), family + " starts with its layout comment");
            assertTrue(source.contains("#include \"common.cuh\""), family + " includes common.cuh (compiles alone)");
            Matcher m = KERNEL.matcher(source);
            while (m.find()) {
                assertTrue(defined.add(m.group(1)), "kernel " + m.group(1) + " defined twice");
            }
        }
        assertEquals(defined, new TreeSet<>(KernelSources.KERNELS), "kernels in the sources vs KernelSources.KERNELS");
    }

    @Test
    void translationUnitIncludesEveryFamily() {
        String unit = KernelSources.translationUnit();
        for (String family : KernelSources.FAMILIES) {
            assertTrue(unit.contains("#include \"" + family + "\""), family);
        }
        assertEquals(KernelSources.FAMILIES.size() + KernelSources.HEADERS.size(), KernelSources.includeFiles().size());
    }
}
