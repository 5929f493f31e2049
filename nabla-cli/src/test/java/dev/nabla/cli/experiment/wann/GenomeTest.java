package dev.nabla.cli.experiment.wann;

import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class GenomeTest {

    /** Kahn's algorithm over the enabled and disabled links: true when every node can be ordered. */
    private static boolean acyclic(Genome g) {
        int n = g.nodeCount();
        int[] indegree = new int[n];
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new ArrayList<>());
        for (Genome.Link l : g.links()) {
            out.get(l.from()).add(l.to());
            indegree[l.to()]++;
        }
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < n; i++) if (indegree[i] == 0) ready.add(i);
        int seen = 0;
        while (!ready.isEmpty()) {
            int v = ready.poll();
            seen++;
            for (int t : out.get(v)) if (--indegree[t] == 0) ready.add(t);
        }
        return seen == n;
    }

    @Test
    void thousandsOfRandomMutationsKeepTheGraphAcyclicAndValid() {
        Random rng = new Random(1);
        for (int run = 0; run < 20; run++) {
            Genome g = Genome.minimal(9, 3, 0.2, rng);
            for (int step = 0; step < 300; step++) {
                g = g.mutate(rng, Genome.Rates.defaults());
                g.validate();
                assertTrue(acyclic(g), "cycle after " + step + " mutations: " + g.toMap());
                int[] hidden = g.hidden();
                for (Genome.Link l : g.links()) {
                    assertTrue(g.position(l.from()) < g.position(l.to()), "link against the order");
                }
                assertEquals(9 + 1 + 3 + hidden.length, g.nodeCount());
            }
        }
    }

    @Test
    void addNodeSplitsAnEnabledLinkThroughANewNode() {
        Genome g = new Genome(2, 1, new int[0], acts(4), List.of(new Genome.Link(0, 3, true)));
        Genome split = g.addNode(new Random(0));
        assertArrayEquals(new int[]{4}, split.hidden());
        assertEquals(List.of(new Genome.Link(0, 3, false), new Genome.Link(0, 4, true), new Genome.Link(4, 3, true)),
                split.links());
        assertEquals(2, split.connections());
        assertEquals(1, g.connections(), "the original is unchanged");
    }

    @Test
    void aNewNodeGoesBeforeTheHiddenNodeItFeeds() {
        // 0 -> h5 -> out3: splitting 0 -> 5 must place the new node before 5
        Genome g = new Genome(2, 1, new int[]{4}, acts(5), List.of(new Genome.Link(0, 4, true), new Genome.Link(4, 3, true)));
        Random rng = new Random(3);
        Genome s;
        do {
            s = g.addNode(rng);
        } while (s.links().get(0).enabled()); // until the first link was the one split
        assertArrayEquals(new int[]{5, 4}, s.hidden());
        s.validate();
    }

    @Test
    void addLinkAddsOneNewForwardLinkAndReEnablesASplitOne() {
        Genome g = new Genome(1, 1, new int[0], acts(3), List.of(new Genome.Link(0, 2, true)));
        // the only other pair is bias -> output
        Genome more = g.addLink(new Random(0));
        assertEquals(List.of(new Genome.Link(0, 2, true), new Genome.Link(1, 2, true)), more.links());
        assertSame(more, more.addLink(new Random(0)), "no free pair: unchanged");
        Genome disabled = new Genome(1, 1, new int[0], acts(3), List.of(new Genome.Link(0, 2, false), new Genome.Link(1, 2, true)));
        assertEquals(List.of(new Genome.Link(0, 2, true), new Genome.Link(1, 2, true)), disabled.addLink(new Random(0)).links());
    }

    @Test
    void changeActivationPicksADifferentFunction() {
        Random rng = new Random(5);
        Genome g = new Genome(1, 1, new int[0], acts(3), List.of(new Genome.Link(0, 2, true)));
        for (int i = 0; i < 50; i++) {
            Genome c = g.changeActivation(rng);
            assertNotEquals(g.activation(2), c.activation(2));
            assertEquals(g.links(), c.links());
        }
    }

    @Test
    void minimalNetworksLinkOnlyInputsToOutputs() {
        Genome g = Genome.minimal(16, 4, 0.3, new Random(2));
        assertEquals(0, g.hidden().length);
        for (Genome.Link l : g.links()) {
            assertTrue(l.enabled() && l.from() <= g.bias() && l.to() > g.bias());
        }
        int n = g.connections();
        assertTrue(n > 5 && n < 40, "about 30% of 68 pairs: " + n);
        assertEquals(1, Genome.minimal(16, 4, 1e-9, new Random(2)).connections(), "never empty");
    }

    @Test
    void signedNetworksReachEachOutputThroughALinearAndAnInverseNode() {
        Genome g = Genome.signed(16, 4, 0.3, new Random(2));
        g.validate();
        assertEquals(8, g.hidden().length);
        for (int k = 0; k < 4; k++) {
            int pos = g.hidden()[2 * k], neg = g.hidden()[2 * k + 1];
            assertEquals(Activation.LINEAR, g.activation(pos));
            assertEquals(Activation.INVERSE, g.activation(neg));
            assertTrue(g.links().contains(new Genome.Link(pos, g.output(k), true)));
            assertTrue(g.links().contains(new Genome.Link(neg, g.output(k), true)));
        }
        for (Genome.Link l : g.links()) {
            if (l.from() <= g.bias()) assertTrue(g.position(l.to()) >= 0 && g.position(l.to()) < 8, "inputs feed the hidden nodes only");
        }
        // one pixel of value 1 linked to output 0's inverse node: the output is -w^2 for either sign of w
        Activation[] act = acts(1 + 1 + 1 + 2);
        act[4] = Activation.INVERSE;
        Genome one = new Genome(1, 1, new int[]{3, 4}, act, List.of(new Genome.Link(0, 4, true),
                new Genome.Link(3, 2, true), new Genome.Link(4, 2, true)));
        Images img = new Images(new float[][]{{1f}}, new int[]{0}, 1, 1);
        for (float w : new float[]{-2f, -0.5f, 0.5f, 2f}) {
            assertEquals(-w * w, new Forward(one).outputs(img, w)[0][0], 1e-6, "w = " + w);
        }
        assertEquals(1 + 8, Genome.signed(16, 4, 1e-9, new Random(2)).connections(), "one pixel link and the links to the outputs");
    }

    @Test
    void jsonRoundTripGivesTheSameGenome() {
        Random rng = new Random(9);
        Genome g = Genome.minimal(9, 3, 0.3, rng);
        for (int i = 0; i < 60; i++) g = g.mutate(rng, Genome.Rates.defaults());
        Map<String, Object> m = Json.parseObject(Json.write(g.toMap()), "test");
        assertEquals(g, Genome.fromMap(m));
    }

    @Test
    void brokenGenomesAreRejectedWithTheRuleTheyBreak() {
        Map<String, Object> back = Json.parseObject("{\"inputs\":1,\"outputs\":1,\"hidden\":[3],\"activations\":[\"lin\",\"tanh\"],"
                + "\"links\":[0,3,1,3,2,1,2,3,1]}", "test");
        var e = assertThrows(IllegalArgumentException.class, () -> Genome.fromMap(back));
        assertTrue(e.getMessage().contains("2 -> 3 goes backwards"), e.getMessage());
        Map<String, Object> twice = Json.parseObject("{\"inputs\":1,\"outputs\":1,\"hidden\":[],\"activations\":[\"lin\"],"
                + "\"links\":[0,2,1,0,2,0]}", "test");
        e = assertThrows(IllegalArgumentException.class, () -> Genome.fromMap(twice));
        assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
        Map<String, Object> missing = Json.parseObject("{\"inputs\":1,\"outputs\":1,\"hidden\":[],\"activations\":[\"lin\"],"
                + "\"links\":[0,7,1]}", "test");
        e = assertThrows(IllegalArgumentException.class, () -> Genome.fromMap(missing));
        assertTrue(e.getMessage().contains("missing node"), e.getMessage());
    }

    static Activation[] acts(int n) {
        Activation[] a = new Activation[n];
        java.util.Arrays.fill(a, Activation.LINEAR);
        return a;
    }
}
