package dev.clm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
    static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void describesVersionCommitAndUncommittedChanges() {
        assertEquals("clm4j 0.2.0 (65610c9)",
                BuildInfo.describe(props("git.build.version", "0.2.0", "git.commit.id.abbrev", "65610c9", "git.dirty", "false")));
        assertEquals("clm4j 0.2.0 (65610c9, modified)",
                BuildInfo.describe(props("git.build.version", "0.2.0", "git.commit.id.abbrev", "65610c9", "git.dirty", "true")));
        // Built outside a git checkout: the version alone.
        assertEquals("clm4j 0.2.0", BuildInfo.describe(props("git.build.version", "0.2.0")));
    }

    @Test
    void theCommandLinePrintsIt() {
        assertTrue(BuildInfo.description().startsWith("clm4j "));
        assertEquals(BuildInfo.description(), new BuildInfo().getVersion()[0]);
    }
}
