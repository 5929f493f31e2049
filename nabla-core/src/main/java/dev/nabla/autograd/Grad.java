package dev.nabla.autograd;

/**
 * Whether ops record the graph for reverse mode. Recording is on by default; inference turns it off for a
 * scope: {@code try (var off = Grad.disabled()) { ... }}. The flag is per thread.
 */
public final class Grad {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private Grad() {}

    /** A scope that restores the previous mode when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Turns recording off until the returned scope closes. */
    public static Scope disabled() {
        boolean before = ENABLED.get();
        ENABLED.set(Boolean.FALSE);
        return () -> ENABLED.set(before);
    }

    /** Turns recording on until the returned scope closes. */
    public static Scope enabled() {
        boolean before = ENABLED.get();
        ENABLED.set(Boolean.TRUE);
        return () -> ENABLED.set(before);
    }
}
