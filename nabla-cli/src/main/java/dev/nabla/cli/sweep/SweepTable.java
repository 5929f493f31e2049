package dev.nabla.cli.sweep;

import dev.nabla.io.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's results as Markdown, CSV and JSON: one row per trial with the swept values, final training accuracy,
 * best validation accuracy, test accuracy of the best model, best epoch and seconds; the best trial by validation
 * accuracy is marked.
 */
public final class SweepTable {
    private SweepTable() {}

    /** Index (into {@code trials}) of the best trial by validation accuracy among those that finished ok; -1 if none. */
    public static int best(List<TrialResult> trials) {
        int best = -1;
        for (int i = 0; i < trials.size(); i++) {
            TrialResult t = trials.get(i);
            if (!"ok".equals(t.status())) continue;
            if (best < 0 || t.bestValAcc() > trials.get(best).bestValAcc()) best = i;
        }
        return best;
    }

    private static List<String> paramNames(List<TrialResult> trials) {
        List<String> names = new ArrayList<>();
        for (TrialResult t : trials) for (String k : t.params().keySet()) if (!names.contains(k)) names.add(k);
        return names;
    }

    private static String acc(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    public static String markdown(List<TrialResult> trials) {
        List<String> names = paramNames(trials);
        int best = best(trials);
        StringBuilder sb = new StringBuilder("| # | ");
        for (String n : names) sb.append(n).append(" | ");
        sb.append("final train acc | best val acc | test acc | best epoch | seconds | status |\n|");
        for (int i = 0; i < names.size() + 7; i++) sb.append(" --- |");
        sb.append('\n');
        for (int i = 0; i < trials.size(); i++) {
            TrialResult t = trials.get(i);
            sb.append("| ").append(t.index()).append(i == best ? " **best**" : "").append(" | ");
            for (String n : names) sb.append(t.params().getOrDefault(n, "")).append(" | ");
            boolean ok = "ok".equals(t.status());
            sb.append(acc(t.finalTrainAcc())).append(" | ")
                    .append(i == best ? "**" + acc(t.bestValAcc()) + "**" : acc(t.bestValAcc())).append(" | ")
                    .append(ok ? acc(t.testAcc()) : "").append(" | ")
                    .append(t.bestEpoch() > 0 ? t.bestEpoch() : "").append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", t.seconds())).append(" | ")
                    .append(ok ? "ok" : "**" + t.status() + "**").append(" |\n");
        }
        return sb.toString();
    }

    public static String csv(List<TrialResult> trials) {
        List<String> names = paramNames(trials);
        int best = best(trials);
        StringBuilder sb = new StringBuilder("trial,");
        for (String n : names) sb.append(n).append(',');
        sb.append("final_train_acc,best_val_acc,test_acc,best_epoch,seconds,status,best\n");
        for (int i = 0; i < trials.size(); i++) {
            TrialResult t = trials.get(i);
            sb.append(t.index()).append(',');
            for (String n : names) sb.append(csvCell(t.params().getOrDefault(n, ""))).append(',');
            sb.append(acc(t.finalTrainAcc())).append(',').append(acc(t.bestValAcc())).append(',')
                    .append("ok".equals(t.status()) ? acc(t.testAcc()) : "").append(',')
                    .append(t.bestEpoch()).append(',').append(String.format(Locale.ROOT, "%.2f", t.seconds())).append(',')
                    .append(t.status()).append(',').append(i == best).append('\n');
        }
        return sb.toString();
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** {"trials": [{"params", "status", "final_train_acc", "best_val_acc", "test_acc", "best_epoch", "seconds", "run"}], "best": i}. */
    public static Map<String, Object> json(List<TrialResult> trials) {
        List<Object> rows = new ArrayList<>();
        for (TrialResult t : trials) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("params", new LinkedHashMap<String, Object>(t.params()));
            r.put("status", t.status());
            r.put("final_train_acc", nanToNull(t.finalTrainAcc()));
            r.put("best_val_acc", nanToNull(t.bestValAcc()));
            r.put("test_acc", "ok".equals(t.status()) ? nanToNull(t.testAcc()) : null);
            r.put("best_epoch", t.bestEpoch());
            r.put("seconds", t.seconds());
            r.put("run", t.runDir());
            rows.add(r);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trials", rows);
        int best = best(trials);
        out.put("best", best < 0 ? null : best);
        return out;
    }

    private static Object nanToNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    public static String jsonText(List<TrialResult> trials) {
        return Json.pretty(json(trials));
    }
}
