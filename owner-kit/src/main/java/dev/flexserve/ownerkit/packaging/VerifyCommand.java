package dev.flexserve.ownerkit.packaging;

import dev.flexserve.model.packages.PackageSignatures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify an expert package's files and its owner's signature (against --key, or the key it names).")
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<package>")
    Path dir;

    @Option(names = "--key", description = "The owner's trusted public key (.pub).")
    Path key;

    @Override
    public Integer call() {
        PackageSignatures.Verified v = Signatures.verify(dir, key == null ? null : Signatures.readPublic(key));
        spec.commandLine().getOut().println("ok " + v.id() + " content " + v.contentHash() + " trunk " + v.baseHash() + " key " + v.keyFingerprint()
                + (key == null ? " (integrity only: no trusted --key given)" : ""));
        return 0;
    }
}
