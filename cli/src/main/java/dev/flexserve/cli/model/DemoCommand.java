package dev.flexserve.cli.model;

import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.packages.ModelSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code flexserve model demo OUT_DIR}: the deterministic random-weight demo packages. */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {"Write the deterministic demo packages: a byte-level trunk, the public expert and four owners' experts "
                + "(random weights: the text they generate is noise, but every command and service can run on them).",
                "OUT_DIR must not exist yet."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUT_DIR", description = "Directory to create.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(out)) {
            throw new IllegalArgumentException(out + " already exists; 'model demo' only writes a new directory");
        }
        DemoModels.write(out);
        // Loading verifies what was just written (cheap for the demo models) and gives the trunk hash.
        Written.print(spec.commandLine().getOut(), out, ModelSet.load(out).trunk().hash());
        return 0;
    }
}
