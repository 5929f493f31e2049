package dev.nabla;

/**
 * The user's input is wrong: a file, a config key, a shape or a value. The message names what and says what
 * was expected; the CLI prints it alone (no stack trace) and exits with code 2.
 */
public class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
