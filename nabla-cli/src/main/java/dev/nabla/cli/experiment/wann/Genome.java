package dev.nabla.cli.experiment.wann;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The topology of a weight agnostic network: which nodes exist, which activation each applies and which links
 * are enabled. There are no weights: every link carries the one shared weight chosen at evaluation.
 *
 * <p>Node ids: {@code 0 .. inputs-1} are the inputs, {@code inputs} is the bias (always 1), the next
 * {@code outputs} ids are the outputs, and hidden nodes take the ids after those in order of creation.
 * {@link #hidden()} lists the hidden nodes in a topological order; a link always goes from a node earlier in
 * the order (inputs and bias come first, outputs last) to a later one, so the graph stays acyclic by
 * construction and a forward pass visits the hidden nodes in list order, then the outputs.
 *
 * <p>Immutable: a mutation returns a new genome.
 */
public final class Genome {

    /** A link {@code from -> to}; a disabled link (one split by an added node) carries nothing. */
    public record Link(int from, int to, boolean enabled) {
    }

    private final int inputs;
    private final int outputs;
    private final int[] hidden;
    private final Activation[] activation; // by node id; inputs and bias are LINEAR
    private final List<Link> links;
    private final int[] position; // by node id: -1 for inputs and bias, index in hidden, hidden.length for outputs

    Genome(int inputs, int outputs, int[] hidden, Activation[] activation, List<Link> links) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.hidden = hidden.clone();
        this.activation = activation.clone();
        this.links = List.copyOf(links);
        this.position = new int[activation.length];
        Arrays.fill(position, Integer.MIN_VALUE);
        for (int i = 0; i <= inputs; i++) position[i] = -1;
        for (int k = 0; k < outputs; k++) position[inputs + 1 + k] = hidden.length;
        for (int h = 0; h < hidden.length; h++) position[hidden[h]] = h;
    }

    /**
     * A minimal network: no hidden nodes, each input (and the bias) linked to each output with probability
     * {@code linkProbability} (at least one link), outputs linear.
     */
    public static Genome minimal(int inputs, int outputs, double linkProbability, Random rng) {
        Activation[] act = new Activation[inputs + 1 + outputs];
        Arrays.fill(act, Activation.LINEAR);
        List<Link> links = new ArrayList<>();
        for (int i = 0; i <= inputs; i++) {
            for (int k = 0; k < outputs; k++) {
                if (rng.nextDouble() < linkProbability) links.add(new Link(i, inputs + 1 + k, true));
            }
        }
        if (links.isEmpty()) links.add(new Link(rng.nextInt(inputs + 1), inputs + 1 + rng.nextInt(outputs), true));
        return new Genome(inputs, outputs, new int[0], act, links);
    }

    /**
     * A network that can weigh evidence both ways from the start: each output {@code k} gets two hidden nodes
     * linked to it, one linear and one inverse ({@code -x}), and each input (and the bias) is linked to each of
     * these {@code 2 * outputs} nodes with probability {@code linkProbability} (at least one link). With one
     * shared weight {@code w}, a pixel reaches output {@code k} as {@code +w^2 x} through the linear node and
     * {@code -w^2 x} through the inverse one: every path has two links, so the sign of {@code w} no longer flips
     * which class wins, and a link to a node's inverse partner is the cheap way to count a pixel against a class.
     * A direct pixel-to-output link (weight {@code w}) can still be added by mutation.
     */
    public static Genome signed(int inputs, int outputs, double linkProbability, Random rng) {
        int first = inputs + 1 + outputs;
        Activation[] act = new Activation[first + 2 * outputs];
        Arrays.fill(act, Activation.LINEAR);
        int[] hidden = new int[2 * outputs];
        List<Link> links = new ArrayList<>();
        for (int k = 0; k < outputs; k++) {
            hidden[2 * k] = first + 2 * k;
            hidden[2 * k + 1] = first + 2 * k + 1;
            act[first + 2 * k + 1] = Activation.INVERSE;
        }
        for (int i = 0; i <= inputs; i++) {
            for (int h : hidden) if (rng.nextDouble() < linkProbability) links.add(new Link(i, h, true));
        }
        if (links.isEmpty()) links.add(new Link(rng.nextInt(inputs + 1), hidden[rng.nextInt(hidden.length)], true));
        for (int k = 0; k < outputs; k++) {
            links.add(new Link(first + 2 * k, inputs + 1 + k, true));
            links.add(new Link(first + 2 * k + 1, inputs + 1 + k, true));
        }
        return new Genome(inputs, outputs, hidden, act, links);
    }

    public int inputs() {
        return inputs;
    }

    public int outputs() {
        return outputs;
    }

    /** The id of the bias node. */
    public int bias() {
        return inputs;
    }

    /** The id of output {@code k}. */
    public int output(int k) {
        return inputs + 1 + k;
    }

    /** Hidden node ids in topological order. */
    public int[] hidden() {
        return hidden.clone();
    }

    /** One more than the largest node id. */
    public int nodeCount() {
        return activation.length;
    }

    public Activation activation(int node) {
        return activation[node];
    }

    public List<Link> links() {
        return links;
    }

    /** The number of enabled links: the size the search keeps small. */
    public int connections() {
        int n = 0;
        for (Link l : links) if (l.enabled()) n++;
        return n;
    }

    /** Where {@code node} stands in the evaluation order: -1 for inputs and bias, then hidden, then outputs. */
    int position(int node) {
        return position[node];
    }

    // ---- mutations ----

    /** What a mutation does, with its probability: add a link, add a node, change an activation. */
    public record Rates(double addLink, double addNode, double changeActivation) {
        /**
         * Links most often: with 256 inputs, a useful network needs many of them; new nodes rarely, since most
         * of the nodes a split adds only cost time (on MNIST, 0.7/0.1/0.2 learned faster than 0.5/0.25/0.25 and
         * kept a third as many hidden nodes).
         */
        public static Rates defaults() {
            return new Rates(0.7, 0.1, 0.2);
        }
    }

    /** One mutation chosen by {@code rates}. */
    public Genome mutate(Random rng, Rates rates) {
        double u = rng.nextDouble() * (rates.addLink() + rates.addNode() + rates.changeActivation());
        if (u < rates.addLink()) return addLink(rng);
        if (u < rates.addLink() + rates.addNode()) return addNode(rng);
        return changeActivation(rng);
    }

    /**
     * A new enabled link from a node to a later one in the order (a disabled one between them is re-enabled);
     * the genome itself when 100 random tries find no free pair.
     */
    public Genome addLink(Random rng) {
        Set<Long> enabled = new HashSet<>();
        for (Link l : links) if (l.enabled()) enabled.add(key(l.from(), l.to()));
        int targets = hidden.length + outputs;
        for (int attempt = 0; attempt < 100; attempt++) {
            int t = rng.nextInt(targets);
            int to = t < hidden.length ? hidden[t] : output(t - hidden.length);
            int before = inputs + 1 + position[to]; // inputs, bias and the hidden nodes ahead of `to`
            int s = rng.nextInt(before);
            int from = s <= inputs ? s : hidden[s - inputs - 1];
            if (enabled.contains(key(from, to))) continue;
            List<Link> next = new ArrayList<>(links.size() + 1);
            boolean reenabled = false;
            for (Link l : links) {
                if (l.from() == from && l.to() == to) {
                    next.add(new Link(from, to, true));
                    reenabled = true;
                } else {
                    next.add(l);
                }
            }
            if (!reenabled) next.add(new Link(from, to, true));
            return new Genome(inputs, outputs, hidden, activation, next);
        }
        return this;
    }

    /**
     * Splits a random enabled link {@code a -> b} with a new node of random activation: the link is disabled and
     * {@code a -> new -> b} added, the new node placed just before {@code b} in the order (so after {@code a}).
     * Adds a link instead when none is enabled.
     */
    public Genome addNode(Random rng) {
        List<Integer> enabled = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) if (links.get(i).enabled()) enabled.add(i);
        if (enabled.isEmpty()) return addLink(rng);
        int which = enabled.get(rng.nextInt(enabled.size()));
        Link split = links.get(which);
        int id = activation.length;
        Activation[] act = Arrays.copyOf(activation, id + 1);
        act[id] = Activation.values()[rng.nextInt(Activation.values().length)];
        int at = position[split.to()]; // hidden.length for an output
        int[] order = new int[hidden.length + 1];
        System.arraycopy(hidden, 0, order, 0, at);
        order[at] = id;
        System.arraycopy(hidden, at, order, at + 1, hidden.length - at);
        List<Link> next = new ArrayList<>(links);
        next.set(which, new Link(split.from(), split.to(), false));
        next.add(new Link(split.from(), id, true));
        next.add(new Link(id, split.to(), true));
        return new Genome(inputs, outputs, order, act, next);
    }

    /** A random hidden or output node gets a different activation. */
    public Genome changeActivation(Random rng) {
        int n = rng.nextInt(hidden.length + outputs);
        int node = n < hidden.length ? hidden[n] : output(n - hidden.length);
        Activation[] all = Activation.values();
        Activation[] act = activation.clone();
        int shift = 1 + rng.nextInt(all.length - 1);
        act[node] = all[(activation[node].ordinal() + shift) % all.length];
        return new Genome(inputs, outputs, hidden, act, links);
    }

    private static long key(int from, int to) {
        return ((long) from << 32) | (to & 0xffffffffL);
    }

    // ---- checks and files ----

    /**
     * Checks the invariants: node ids and the order are consistent, links join existing nodes from earlier to
     * later in the order (so the graph is acyclic), no pair is linked twice.
     *
     * @throws IllegalArgumentException naming the first broken rule
     */
    public void validate() {
        if (activation.length != inputs + 1 + outputs + hidden.length) {
            throw new IllegalArgumentException(activation.length + " node activations for " + inputs + " inputs, bias, "
                    + outputs + " outputs and " + hidden.length + " hidden nodes");
        }
        boolean[] seen = new boolean[activation.length];
        for (int h : hidden) {
            if (h < inputs + 1 + outputs || h >= activation.length || seen[h]) {
                throw new IllegalArgumentException("hidden node id " + h + " is out of range or listed twice");
            }
            seen[h] = true;
        }
        for (int i = 0; i <= inputs; i++) {
            if (activation[i] != Activation.LINEAR) throw new IllegalArgumentException("input " + i + " is not linear");
        }
        Set<Long> pairs = new HashSet<>();
        for (Link l : links) {
            if (l.from() < 0 || l.from() >= activation.length || l.to() < 0 || l.to() >= activation.length) {
                throw new IllegalArgumentException("link " + l.from() + " -> " + l.to() + " names a missing node");
            }
            if (l.to() <= inputs) throw new IllegalArgumentException("link " + l.from() + " -> " + l.to() + " enters an input");
            if (position[l.from()] >= position[l.to()]) {
                throw new IllegalArgumentException("link " + l.from() + " -> " + l.to() + " goes backwards in the order");
            }
            if (!pairs.add(key(l.from(), l.to()))) {
                throw new IllegalArgumentException("link " + l.from() + " -> " + l.to() + " appears twice");
            }
        }
    }

    /** The genome as JSON-ready values: {@code inputs, outputs, hidden, activations (by id), links [from, to, 0/1]...}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inputs", inputs);
        m.put("outputs", outputs);
        m.put("hidden", hidden.clone());
        List<String> act = new ArrayList<>();
        for (int i = inputs + 1; i < activation.length; i++) act.add(activation[i].label());
        m.put("activations", act);
        int[] flat = new int[3 * links.size()];
        for (int i = 0; i < links.size(); i++) {
            Link l = links.get(i);
            flat[3 * i] = l.from();
            flat[3 * i + 1] = l.to();
            flat[3 * i + 2] = l.enabled() ? 1 : 0;
        }
        m.put("links", flat);
        return m;
    }

    /**
     * The genome {@link #toMap} wrote (as parsed by {@code Json}), validated.
     *
     * @throws IllegalArgumentException for a missing key or a broken genome
     */
    public static Genome fromMap(Map<?, ?> m) {
        int inputs = intOf(m, "inputs"), outputs = intOf(m, "outputs");
        if (inputs < 1 || outputs < 1) throw new IllegalArgumentException("inputs and outputs must be positive");
        int[] hidden = ints(m, "hidden");
        List<?> act = list(m, "activations");
        if (act.size() != outputs + hidden.length) {
            throw new IllegalArgumentException(act.size() + " activations for " + outputs + " outputs and "
                    + hidden.length + " hidden nodes");
        }
        Activation[] activation = new Activation[inputs + 1 + act.size()];
        Arrays.fill(activation, 0, inputs + 1, Activation.LINEAR);
        for (int i = 0; i < act.size(); i++) activation[inputs + 1 + i] = Activation.parse(String.valueOf(act.get(i)));
        int[] flat = ints(m, "links");
        if (flat.length % 3 != 0) throw new IllegalArgumentException("links: " + flat.length + " numbers, not triples");
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < flat.length; i += 3) links.add(new Link(flat[i], flat[i + 1], flat[i + 2] != 0));
        for (int h : hidden) {
            if (h < inputs + 1 + outputs || h >= activation.length) throw new IllegalArgumentException("hidden node id " + h + " is out of range");
        }
        for (Link l : links) {
            if (l.from() < 0 || l.to() < 0 || l.from() >= activation.length || l.to() >= activation.length) {
                throw new IllegalArgumentException("link " + l.from() + " -> " + l.to() + " names a missing node");
            }
        }
        Genome g = new Genome(inputs, outputs, hidden, activation, links);
        g.validate();
        return g;
    }

    private static List<?> list(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof List<?> l)) throw new IllegalArgumentException("missing list '" + key + "'");
        return l;
    }

    private static int[] ints(Map<?, ?> m, String key) {
        List<?> l = list(m, key);
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = asInt(l.get(i), key);
        return out;
    }

    private static int intOf(Map<?, ?> m, String key) {
        return asInt(m.get(key), key);
    }

    private static int asInt(Object v, String key) {
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + key + "': expected a whole number, got " + v);
        }
        return n.intValue();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Genome g && inputs == g.inputs && outputs == g.outputs && Arrays.equals(hidden, g.hidden)
                && Arrays.equals(activation, g.activation) && links.equals(g.links);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(hidden) + Arrays.hashCode(activation)) + links.hashCode();
    }

    @Override
    public String toString() {
        return "Genome(" + hidden.length + " hidden, " + connections() + " connections)";
    }
}
