package dev.nabla.cli.board;

import dev.nabla.InputException;
import dev.nabla.io.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The board's web server: the page (from the jar), uPlot (from its WebJar), a read-only JSON API over the runs
 * folder, and the run folders' files. Every name in a request goes through {@link RunsRoot}, so nothing
 * outside the folder is served. When bound to a loopback address it answers only requests addressed to a
 * loopback name, so a web page elsewhere cannot read the runs through a name that resolves to 127.0.0.1.
 *
 * <p>API (all GET but predict; errors are {@code {"error": "..."}} with a 4xx/5xx status):
 * <ul>
 *   <li>{@code /api/runs}: every run and sweep, newest first (with an ETag: unchanged lists cost a 304);</li>
 *   <li>{@code /api/run?id=}: one run with all its settings, its history column by column and, when it logged
 *       steps, its step losses ({@link StepsReader});</li>
 *   <li>{@code /api/sweep?id=}: a sweep's plan and trials with their validation curves;</li>
 *   <li>{@code /api/model?id=}, {@code /api/model/eval?id=}: layers and first-layer weights; test-set errors;</li>
 *   <li>{@code POST /api/predict?id=} with a PNG body: the model's probabilities for the drawing;</li>
 *   <li>{@code /files/NAME}: a file of the runs folder.</li>
 * </ul>
 */
public final class BoardServer implements AutoCloseable {

    private static final String PAGE = "/dev/nabla/cli/board/";
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "png", "image/png",
            "svg", "image/svg+xml", "json", "application/json; charset=utf-8", "csv", "text/csv; charset=utf-8",
            "md", "text/markdown; charset=utf-8", "yaml", "text/plain; charset=utf-8", "txt", "text/plain; charset=utf-8");

    private final RunsRoot root;
    private final RunScanner scanner;
    private final ModelView models;
    private final boolean loopback;
    private final Javalin app;

    private BoardServer(Path runs, Path data, String host) {
        this.root = new RunsRoot(runs);
        this.scanner = new RunScanner(root);
        this.models = new ModelView(new TestImages(data));
        this.loopback = isLoopback(host);
        String uplot = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = host;
            config.http.maxRequestSize = 4L << 20;
            config.routes.before(this::checkHost);
            config.routes.get("/", ctx -> resource(ctx, PAGE + "index.html"));
            config.routes.get("/board.js", ctx -> resource(ctx, PAGE + "board.js"));
            config.routes.get("/board.css", ctx -> resource(ctx, PAGE + "board.css"));
            config.routes.get("/lib/uPlot.js", ctx -> resource(ctx, uplot + "uPlot.iife.min.js"));
            config.routes.get("/lib/uPlot.css", ctx -> resource(ctx, uplot + "uPlot.min.css"));
            config.routes.get("/api/runs", this::runs);
            config.routes.get("/api/run", ctx -> json(ctx, run(ctx.queryParam("id"))));
            config.routes.get("/api/sweep", ctx -> json(ctx, SweepReader.detail(folder(ctx), ctx.queryParam("id"), scanner)));
            config.routes.get("/api/model", ctx -> json(ctx, models.describe(runFolder(ctx))));
            config.routes.get("/api/model/eval", ctx -> json(ctx, models.evaluate(runFolder(ctx))));
            config.routes.post("/api/predict", ctx -> json(ctx, models.predict(runFolder(ctx), ctx.bodyAsBytes())));
            config.routes.get("/files/<name>", this::file);
            config.routes.exception(RunsRoot.Refused.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
            config.routes.exception(InputException.class, (e, ctx) -> error(ctx, 422, e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> error(ctx, 500, e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())));
            config.routes.error(404, ctx -> {
                if (ctx.result() == null) error(ctx, 404, "not found: " + ctx.path());
            });
        });
    }

    /**
     * Starts a board over {@code runs} on {@code host:port} (port 0: a free one).
     *
     * @param data the folder with the test images for runs that recorded none, or null
     */
    public static BoardServer start(Path runs, Path data, String host, int port) {
        BoardServer s = new BoardServer(runs, data, host);
        s.app.start(host, port);
        s.scanner.refreshInBackground(); // the first page need not wait for the whole folder to be read
        return s;
    }

    /** The port it listens on. */
    public int port() {
        return app.port();
    }

    /** The runs folder, links resolved. */
    public Path runsDir() {
        return root.dir();
    }

    @Override
    public void close() {
        app.stop();
    }

    // ---------------------------------------------------------------- handlers

    private void checkHost(Context ctx) {
        if (!loopback) return;
        String host = ctx.header("Host");
        String name = host == null ? "" : host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        if (!LOOPBACK_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
            throw new RunsRoot.Refused(403, "refused: this board answers only requests to localhost");
        }
    }

    private void runs(Context ctx) {
        RunScanner.Snapshot s = scanner.current();
        ctx.header("ETag", s.etag());
        ctx.header("Cache-Control", "no-cache");
        if (s.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(TYPES.get("json"));
        ctx.result("{\"root\":" + Json.write(root.dir().toString()) + ",\"entries\":" + s.json() + "}");
    }

    private Map<String, Object> run(String id) {
        Path dir = root.resolve(id);
        if (!Files.isDirectory(dir) || !RunScanner.isRun(dir)) throw new RunsRoot.Refused(404, "not a run: " + id);
        RunReader.Reading r = scanner.run(dir);
        Map<String, Object> out = new LinkedHashMap<>(r.summary());
        out.put("history", r.history());
        if (r.steps() != null) out.put("steps", r.steps());
        List<String> files = new java.util.ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> RunFiles.stat(p) != null).forEach(p -> files.add(p.getFileName().toString()));
        } catch (IOException e) {
            // the listing is a convenience; the run itself was read
        }
        files.sort(null);
        out.put("files", files);
        return out;
    }

    private Path folder(Context ctx) {
        Path dir = root.resolve(ctx.queryParam("id"));
        if (!Files.isDirectory(dir)) throw new RunsRoot.Refused(404, "not a folder: " + ctx.queryParam("id"));
        return dir;
    }

    private Path runFolder(Context ctx) {
        Path dir = folder(ctx);
        if (!RunScanner.isRun(dir)) throw new RunsRoot.Refused(404, "not a run: " + ctx.queryParam("id"));
        return dir;
    }

    private void file(Context ctx) throws IOException {
        Path f = root.resolve(ctx.pathParam("name"));
        if (!Files.isRegularFile(f)) throw new RunsRoot.Refused(404, "not a file: " + ctx.pathParam("name"));
        String name = f.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        ctx.contentType(TYPES.getOrDefault(ext, "application/octet-stream"));
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        ctx.result(Files.newInputStream(f));
    }

    private static void resource(Context ctx, String path) throws IOException {
        try (InputStream in = BoardServer.class.getResourceAsStream(path)) {
            if (in == null) throw new RunsRoot.Refused(404, "not found: " + ctx.path());
            String ext = path.substring(path.lastIndexOf('.') + 1);
            ctx.contentType(TYPES.getOrDefault(ext, "application/octet-stream"));
            ctx.result(in.readAllBytes());
        }
    }

    private static void json(Context ctx, Object value) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(TYPES.get("json"));
        ctx.result(Json.write(value));
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status);
        json(ctx, Map.of("error", message == null ? "error" : message));
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String uplotVersion() {
        try (InputStream in = BoardServer.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) throw new IllegalStateException("uPlot's WebJar is missing from the class path");
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
