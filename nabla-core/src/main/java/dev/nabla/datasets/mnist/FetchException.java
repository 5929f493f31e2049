package dev.nabla.datasets.mnist;

/**
 * Data could not be fetched from any source. The message lists each source tried and why it failed, and what
 * the user can do instead.
 */
public class FetchException extends RuntimeException {
    public FetchException(String message) {
        super(message);
    }
}
