package dev.flexserve.router.registry;

/** A registration that cannot be accepted: the package fails verification, or the endpoint does not serve it. */
public class RegistrationRefusedException extends RuntimeException {
    private final String param;

    public RegistrationRefusedException(String param, String message) {
        super(message);
        this.param = param;
    }

    /** The request field at fault. */
    public String param() {
        return param;
    }
}
