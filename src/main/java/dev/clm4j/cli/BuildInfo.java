package dev.clm4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * What this build is: the version and the commit it was built from, as the build wrote them into
 * {@code dev/clm4j/git.properties}. Reports and experiment results carry it, so that a table made
 * over several sessions says which build produced which run. A build made outside a git checkout
 * has no commit; a build with uncommitted changes says so.
 */
public final class BuildInfo implements CommandLine.IVersionProvider {
    private static final String RESOURCE = "/dev/clm4j/git.properties";
    private static final String DESCRIPTION = describe(load());

    /** For example "clm4j 0.1.0 (65610c9)", "clm4j 0.1.0 (65610c9, modified)" or "clm4j 0.1.0". */
    public static String description() {
        return DESCRIPTION;
    }

    @Override
    public String[] getVersion() {
        return new String[] {DESCRIPTION};
    }

    static String describe(Properties p) {
        String version = p.getProperty("git.build.version", "0.1.0");
        String commit = p.getProperty("git.commit.id.abbrev", "");
        if (commit.isEmpty()) {
            return "clm4j " + version;
        }
        boolean dirty = Boolean.parseBoolean(p.getProperty("git.dirty", "false"));
        return "clm4j " + version + " (" + commit + (dirty ? ", modified" : "") + ")";
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
