package dev.nabla.io;

import dev.nabla.InputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryBudgetTest {

    @Test
    void productsOverflowIntoARefusalNotAWrongSize() {
        assertEquals(60_000L * 28 * 28 * 4, MemoryBudget.product("x", 60_000, 28, 28, 4));
        assertEquals("f: the header declares 3 dimensions of 2^31, a size that overflows 64 bits (no memory holds it)",
                assertThrows(InputException.class, () -> MemoryBudget.product(
                        "f: the header declares 3 dimensions of 2^31", 1L << 31, 1L << 31, 1L << 31)).getMessage());
        assertThrows(InputException.class, () -> MemoryBudget.sum("s", Long.MAX_VALUE, 1));
        assertThrows(InputException.class, () -> MemoryBudget.product("n", 3, -1));
    }

    @Test
    void aRequestBeyondTheHeapSaysWhatIsDeclaredNeededAndAvailable() {
        long max = Runtime.getRuntime().maxMemory();
        MemoryBudget.require("small", 1 << 20);
        String m = assertThrows(InputException.class, () -> MemoryBudget.require("f: the header declares 9 images",
                max + 1)).getMessage();
        assertTrue(m.startsWith("f: the header declares 9 images, which would need " + MemoryBudget.human(max + 1)
                + " of memory; "), m);
        assertTrue(m.contains(" is available (Java heap limit " + MemoryBudget.human(max) + "; a larger one is set with"
                + " NABLA_JAVA_OPTS=-Xmx<size>)"), m);
        assertTrue(MemoryBudget.available() < max);
    }

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertEquals("512 B", MemoryBudget.human(512));
        assertEquals("188 MB", MemoryBudget.human(188_160_000));
        assertEquals("2.12 GB", MemoryBudget.human(2_116_800_016L));
        assertEquals("34.1 KB", MemoryBudget.human(34_056));
    }
}
