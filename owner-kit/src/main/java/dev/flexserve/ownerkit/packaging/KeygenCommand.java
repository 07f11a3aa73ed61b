package dev.flexserve.ownerkit.packaging;

import dev.flexserve.model.packages.PackageSignatures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;

@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Create the owner's Ed25519 signing key: <prefix>.key (private, PKCS#8 PEM) and <prefix>.pub (public, X.509 PEM).")
public final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<prefix>")
    Path prefix;

    @Override
    public Integer call() throws Exception {
        KeyPair keys = Signatures.generate();
        Path priv = prefix.resolveSibling(prefix.getFileName() + ".key");
        Path pub = prefix.resolveSibling(prefix.getFileName() + ".pub");
        Signatures.writeKeys(keys, priv, pub);
        spec.commandLine().getOut().println("key " + PackageSignatures.fingerprint(keys.getPublic()) + ": " + priv + " (keep it), " + pub + " (give it to the platform)");
        return 0;
    }
}
