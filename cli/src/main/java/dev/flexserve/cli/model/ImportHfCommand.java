package dev.flexserve.cli.model;

import dev.flexserve.model.hf.HfImporter;
import dev.flexserve.model.packages.PackageWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code flexserve model import-hf CHECKPOINT_DIR OUT_DIR}: a Hugging Face FlexOlmo checkpoint as packages. */
@Command(name = "import-hf",
        mixinStandardHelpOptions = true,
        description = {"Convert a Hugging Face FlexOlmo checkpoint (config.json, model.safetensors or a sharded index, "
                + "optional tokenizer.json) into a trunk package and one expert package per expert: "
                + "expert 0 becomes 'public', expert i becomes 'expert-i'.",
                "OUT_DIR must not exist yet; it is written all or nothing."})
public final class ImportHfCommand implements Callable<Integer> {
    private static final long MIB = 1L << 20;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CHECKPOINT_DIR", description = "The Hugging Face checkpoint directory.")
    Path checkpoint;

    @Parameters(index = "1", paramLabel = "OUT_DIR", description = "Directory to create for the packages.")
    Path out;

    @Option(names = "--external-data-mb", paramLabel = "N",
            defaultValue = "" + (PackageWriter.DEFAULT_EXTERNAL_THRESHOLD >> 20),
            description = "Tensors of at least N MiB go to external data files next to their graph (default: ${DEFAULT-VALUE}).")
    long externalDataMb;

    @Override
    public Integer call() throws IOException {
        if (externalDataMb < 1 || externalDataMb > Long.MAX_VALUE / MIB) {
            throw new ParameterException(spec.commandLine(), "--external-data-mb must be a positive number of MiB, got " + externalDataMb);
        }
        HfImporter.Result r = HfImporter.importCheckpoint(checkpoint, out, externalDataMb * MIB);
        Written.print(spec.commandLine().getOut(), r.out(), r.trunkHash());
        return 0;
    }
}
