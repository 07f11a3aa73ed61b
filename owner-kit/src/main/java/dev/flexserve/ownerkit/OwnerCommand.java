package dev.flexserve.ownerkit;

import dev.flexserve.ownerkit.corpus.CorporaCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code flexserve owner ...}: the data owner's kit (and the platform-side router tuning and evaluation). The CLI
 * registers this class as one subcommand; {@link OwnerMain} gives it a command line of its own for the tests.
 */
@Command(name = "owner", mixinStandardHelpOptions = true,
        description = "Train and contribute an expert the FlexOlmo way: corpora, public model, domain embedding, anchor training, signed packages, evaluation.",
        subcommands = {
                CorporaCommand.class,
                dev.flexserve.ownerkit.tokenizer.TrainTokenizerCommand.class,
                dev.flexserve.ownerkit.training.TrainPublicCommand.class,
                dev.flexserve.ownerkit.embedding.DomainEmbeddingCommand.class,
                dev.flexserve.ownerkit.training.TrainExpertCommand.class,
                dev.flexserve.ownerkit.packaging.KeygenCommand.class,
                dev.flexserve.ownerkit.packaging.PackageCommand.class,
                dev.flexserve.ownerkit.packaging.VerifyCommand.class,
                dev.flexserve.ownerkit.packaging.PublishCommand.class,
                dev.flexserve.ownerkit.training.TuneRouterCommand.class,
                dev.flexserve.ownerkit.evaluation.EvaluateCommand.class,
                dev.flexserve.ownerkit.evaluation.QualityCommand.class,
        })
public final class OwnerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
