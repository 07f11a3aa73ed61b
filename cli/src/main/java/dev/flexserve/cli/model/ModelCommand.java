package dev.flexserve.cli.model;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code flexserve model ...}: write, inspect and probe model packages. */
@Command(name = "model",
        mixinStandardHelpOptions = true,
        description = "Write, verify and probe model packages (a trunk plus expert packages in one directory).",
        subcommands = {ImportHfCommand.class, DemoCommand.class, InfoCommand.class, LogitsCommand.class})
public final class ModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
