package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A brain's Prometheus counters at one moment, each summed over its labels, and each summed per
 * value of one label: {@code value("z4j_read_replica_reads_total{target=standby}")}.
 */
record BrainMetrics(Map<String, Double> totals) {
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static BrainMetrics scrape(String host, int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /metrics on " + host + ":" + port + " -> " + r.statusCode());
        }
        return parse(r.body());
    }

    /** Prometheus text format: {@code name{labels} value} or {@code name value}; comments skipped. */
    static BrainMetrics parse(String text) {
        Map<String, Double> totals = new HashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int space = l.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String series = l.substring(0, space);
            int brace = series.indexOf('{');
            String name = brace < 0 ? series : series.substring(0, brace);
            double value;
            try {
                value = Double.parseDouble(l.substring(space + 1));
            } catch (NumberFormatException e) {
                continue; // +Inf / NaN as Prometheus spells them; none of the counters read here can hold them
            }
            totals.merge(name, value, Double::sum);
            if (brace >= 0) {
                for (Matcher m = LABEL.matcher(series.substring(brace)); m.find(); ) {
                    totals.merge(name + "{" + m.group(1) + "=" + m.group(2) + "}", value, Double::sum);
                }
            }
        }
        return new BrainMetrics(Map.copyOf(totals));
    }

    double value(String name) {
        return totals.getOrDefault(name, 0.0);
    }

    /** {@code name} now minus {@code name} at {@code before}. */
    double since(BrainMetrics before, String name) {
        return value(name) - before.value(name);
    }
}
