package dev.nabla.io;

import dev.nabla.InputException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void parsesAllValueTypesKeepingKeyOrder() {
        Object v = Json.parse("{\"b\": [1, 2.5, -3e2, true, false, null], \"a\": {\"s\": \"x\\u00e9\\n\\\"q\\\"\"}}");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertEquals(List.of("b", "a"), List.copyOf(m.keySet()));
        assertEquals(Arrays.asList(1.0, 2.5, -300.0, true, false, null), m.get("b"));
        assertEquals(Map.of("s", "xé\n\"q\""), m.get("a"));
    }

    @Test
    void acceptsThePythonNonFiniteTokens() {
        assertEquals(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY),
                Json.parse("[NaN, Infinity, -Infinity]"));
    }

    @Test
    void writesNumbersInTheirShortestForm() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("int", 3);
        m.put("long", 12345678901L);
        m.put("whole", 2.0);
        m.put("float", 0.1f);
        m.put("double", 0.1);
        m.put("small", 1e-5);
        m.put("nan", Double.NaN);
        assertEquals("{\"int\":3,\"long\":12345678901,\"whole\":2.0,\"float\":0.1,\"double\":0.1,"
                + "\"small\":1.0e-5,\"nan\":null}", Json.write(m));
    }

    @Test
    void sortsTheKeysOfUnorderedMapsSoOutputIsStable() {
        Map<String, Object> m = new HashMap<>();
        for (String k : List.of("zeta", "alpha", "mu", "beta")) m.put(k, 1);
        assertEquals("{\"alpha\":1,\"beta\":1,\"mu\":1,\"zeta\":1}", Json.write(m));
    }

    @Test
    void prettyPrintsNestedValuesWithScalarArraysOnOneLine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shape", new int[] {2, 3});
        m.put("runs", List.of(Map.of("lr", 0.5)));
        m.put("empty", Map.of());
        assertEquals("{\n  \"shape\": [2, 3],\n  \"runs\": [\n    {\n      \"lr\": 0.5\n    }\n  ],\n  \"empty\": {}\n}\n",
                Json.pretty(m));
    }

    @Test
    void roundTripsWhatItWrites() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "tab\there \\ \u0001");
        m.put("values", List.of(1.5, -0.0, 1e300, 4.9e-324));
        m.put("nested", Map.of("ok", true));
        m.put("none", null);
        assertEquals(m, Json.parse(Json.write(m)));
        assertEquals(m, Json.parse(Json.pretty(m)));
    }

    @Test
    void errorsNameTheSourceLineAndColumn() {
        InputException e = assertThrows(InputException.class,
                () -> Json.parse("{\n  \"a\": 1,\n  \"b\": tru\n}", "results.json"));
        assertEquals("results.json: invalid JSON at line 3, column 8: unexpected 't', expected a value", e.getMessage());
        assertTrue(assertThrows(InputException.class, () -> Json.parse("[1, 2", "x.json")).getMessage()
                .contains("unexpected end of text, expected ',' or ']'"));
        assertTrue(assertThrows(InputException.class, () -> Json.parse("{\"a\":1,\"a\":2}")).getMessage()
                .contains("duplicate key \"a\""));
        assertTrue(assertThrows(InputException.class, () -> Json.parse("[01]")).getMessage().contains("leading zero"));
        assertTrue(assertThrows(InputException.class, () -> Json.parse("1 2")).getMessage().contains("after the end"));
    }

    @Test
    void parseObjectRejectsOtherTopLevelValues() {
        InputException e = assertThrows(InputException.class, () -> Json.parseObject("[1]", "h.json"));
        assertEquals("h.json: expected a JSON object, found array", e.getMessage());
    }

    @Test
    void refusesToWriteUnknownTypes() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertNull(Json.parse("null"));
    }
}
