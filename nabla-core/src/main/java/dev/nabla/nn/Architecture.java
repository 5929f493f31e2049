package dev.nabla.nn;

import dev.nabla.InputException;
import dev.nabla.io.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A model's layers as JSON-ready values and back, so a model file can rebuild any model made of the library's
 * layers in one call. A {@link Sequential} is a list; a layer without settings is its class name ({@code "ReLU"});
 * a layer with settings is {@code {"Class": {settings}}}, e.g.
 * {@code {"Linear":{"in":784,"out":128,"bias":true}}} or
 * {@code {"Conv2d":{"in":1,"out":6,"groups":1,"bias":true,"window":{"kernel":[5,5],"stride":[1,1],
 * "padding":[2,2],"dilation":[1,1],"circular":false}}}}. Rebuilt layers hold placeholder weights until a state
 * dict is loaded; a rebuilt {@link Dropout} draws its masks from seed 0.
 */
public final class Architecture {
    private static final String LAYERS = "a list of layers, \"ReLU\", \"Sigmoid\", \"Tanh\", \"GELU\", \"Flatten\","
            + " \"GlobalAvgPool2d\", or {\"Linear\"|\"Conv2d\"|\"MaxPool2d\"|\"AvgPool2d\"|\"BatchNorm1d\"|\"BatchNorm2d\""
            + "|\"ToImage\"|\"Dropout\"|\"LeakyReLU\"|\"Softmax\"|\"LogSoftmax\": {settings}}";

    private Architecture() {
    }

    /** The layers of {@code m} as JSON-ready values, or null when it holds a module this format cannot describe. */
    public static Object describe(Module m) {
        return switch (m) {
            case Sequential s -> {
                List<Object> layers = new ArrayList<>();
                for (Module layer : s.layers()) {
                    Object d = describe(layer);
                    if (d == null) yield null;
                    layers.add(d);
                }
                yield layers;
            }
            case Linear l -> layer("Linear", "in", l.in(), "out", l.out(), "bias", l.bias() != null);
            case Conv2d c -> layer("Conv2d", "in", c.in(), "out", c.out(), "groups", c.groups(), "bias", c.bias() != null,
                    "window", window(c.window()));
            case MaxPool2d p -> layer("MaxPool2d", "window", window(p.window()));
            case AvgPool2d p -> layer("AvgPool2d", "window", window(p.window()));
            case BatchNorm b -> layer(b.getClass().getSimpleName(), "features", b.features(), "eps", b.eps(), "momentum", b.momentum());
            case ToImage t -> layer("ToImage", "channels", t.channels(), "height", t.height(), "width", t.width());
            case Dropout d -> layer("Dropout", "p", d.p());
            case LeakyReLU r -> layer("LeakyReLU", "slope", r.slope());
            case Softmax s -> layer("Softmax", "axis", s.axis());
            case LogSoftmax s -> layer("LogSoftmax", "axis", s.axis());
            case ReLU r -> "ReLU";
            case Sigmoid s -> "Sigmoid";
            case Tanh t -> "Tanh";
            case GELU g -> "GELU";
            case Flatten f -> "Flatten";
            case GlobalAvgPool2d g -> "GlobalAvgPool2d";
            default -> null;
        };
    }

    /**
     * The module {@link #describe} described (weights placeholders until loaded).
     *
     * @throws InputException naming {@code source} and the description for anything that is not a layer
     */
    public static Module build(Object d, Object source) {
        if (d instanceof List<?> layers) {
            List<Module> ms = new ArrayList<>();
            for (Object layer : layers) ms.add(build(layer, source));
            return new Sequential(ms.toArray(Module[]::new));
        }
        try {
            if (d instanceof String name) {
                Module m = switch (name) {
                    case "ReLU" -> new ReLU();
                    case "Sigmoid" -> new Sigmoid();
                    case "Tanh" -> new Tanh();
                    case "GELU" -> new GELU();
                    case "Flatten" -> new Flatten();
                    case "GlobalAvgPool2d" -> new GlobalAvgPool2d();
                    default -> null;
                };
                if (m != null) return m;
            }
            if (d instanceof Map<?, ?> m && m.size() == 1 && m.values().iterator().next() instanceof Map<?, ?> a) {
                Module built = switch (String.valueOf(m.keySet().iterator().next())) {
                    case "Linear" -> new Linear(num(a, "in").intValue(), num(a, "out").intValue(), (Boolean) a.get("bias"));
                    case "Conv2d" -> new Conv2d(num(a, "in").intValue(), num(a, "out").intValue(), window(a.get("window")),
                            num(a, "groups").intValue(), (Boolean) a.get("bias"), new Random(0));
                    case "MaxPool2d" -> new MaxPool2d(window(a.get("window")));
                    case "AvgPool2d" -> new AvgPool2d(window(a.get("window")));
                    case "BatchNorm1d" -> new BatchNorm1d(num(a, "features").intValue(), num(a, "eps").doubleValue(), num(a, "momentum").doubleValue());
                    case "BatchNorm2d" -> new BatchNorm2d(num(a, "features").intValue(), num(a, "eps").doubleValue(), num(a, "momentum").doubleValue());
                    case "ToImage" -> new ToImage(num(a, "channels").intValue(), num(a, "height").intValue(), num(a, "width").intValue());
                    case "Dropout" -> new Dropout(num(a, "p").doubleValue(), 0);
                    case "LeakyReLU" -> new LeakyReLU(num(a, "slope").doubleValue());
                    case "Softmax" -> new Softmax(num(a, "axis").intValue());
                    case "LogSoftmax" -> new LogSoftmax(num(a, "axis").intValue());
                    default -> null;
                };
                if (built != null) return built;
            }
        } catch (ClassCastException | NullPointerException e) {
            throw new InputException(source + ": the layer " + Json.write(d) + " lacks a setting or has one of the wrong type");
        } catch (InputException e) {
            throw new InputException(source + ": the layer " + Json.write(d) + ": " + e.getMessage());
        }
        throw new InputException(source + ": " + Json.write(d) + " is not a layer (expected " + LAYERS + ")");
    }

    private static Map<String, Object> layer(String name, Object... settings) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < settings.length; i += 2) args.put((String) settings[i], settings[i + 1]);
        return Map.of(name, args);
    }

    private static Map<String, Object> window(Window w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", List.of(w.kh(), w.kw()));
        m.put("stride", List.of(w.sh(), w.sw()));
        m.put("padding", List.of(w.ph(), w.pw()));
        m.put("dilation", List.of(w.dh(), w.dw()));
        m.put("circular", w.padding() == Window.Padding.CIRCULAR);
        return m;
    }

    private static Window window(Object d) {
        Map<?, ?> m = (Map<?, ?>) d;
        int[] k = pair(m, "kernel"), s = pair(m, "stride"), p = pair(m, "padding"), dil = pair(m, "dilation");
        Window.Padding padding = (Boolean) m.get("circular") ? Window.Padding.CIRCULAR : Window.Padding.ZEROS;
        return new Window(k[0], k[1], s[0], s[1], p[0], p[1], dil[0], dil[1], padding);
    }

    private static int[] pair(Map<?, ?> m, String key) {
        List<?> l = (List<?>) m.get(key);
        if (l.size() != 2) throw new ClassCastException(key);
        return new int[] {((Number) l.get(0)).intValue(), ((Number) l.get(1)).intValue()};
    }

    private static Number num(Map<?, ?> m, String key) {
        return (Number) java.util.Objects.requireNonNull(m.get(key), key);
    }
}
