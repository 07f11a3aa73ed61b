package dev.flexserve.router.access;

/** A policy an owner sent that cannot be applied (an empty organization name, a window that ends before it starts). */
public class InvalidPolicyException extends RuntimeException {
    public InvalidPolicyException(String message) {
        super(message);
    }
}
