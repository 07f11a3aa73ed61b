package dev.flexserve.operator.crd;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The verified package an expert serves: its content hash and where its pods fetch it (the router's store). */
public class PackageSource {
    /** SHA-256 of the package, lower-case hex: the pod verifies the fetched package against it. */
    @Required
    @Pattern("^[0-9a-f]{64}$")
    private String hash;

    /** HTTP(S) URL the pod downloads the package from, with the platform credential. */
    @Required
    @Pattern("^https?://.+")
    private String url;

    public PackageSource() {
    }

    public PackageSource(String hash, String url) {
        this.hash = hash;
        this.url = url;
    }

    public String getHash() {
        return hash;
    }

    public void setHash(String hash) {
        this.hash = hash;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }
}
