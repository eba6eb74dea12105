package dev.z4j.brain.loadgen;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The validated command line. {@link #parse} rejects anything wrong with a message naming the option. */
record Options(
        URI wsUrl,
        URI restBase,
        String adminKey,
        String project,
        int agents,
        int workers,
        Mode mode,
        Shape shape,
        double rate,
        int batchSize,
        int window,
        Duration duration,
        double rampTo,
        double rampStep,
        Duration rampInterval,
        Duration drain,
        Path credentials,
        List<InetAddress> sourceAddresses,
        Path report,
        Duration frameCost,
        Map<String, String> raw) {

    static final int MAX_WORKERS_PER_AGENT = 64; // the brain's default per-agent worker-slot cap
    static final int MAX_BATCH_SIZE = 1000;      // the brain ingests at most 1000 events of a frame
    static final Duration MAX_FRAME_COST = Duration.ofSeconds(1);

    static final String USAGE = """
            usage: java -jar z4j-loadgen.jar --url ws://127.0.0.1:7700 [--admin-key KEY] [--project default]
                     --agents N --workers W --mode steady|ramp|idle|echo|storm --shape agent|batched|asyncio-agent
                     --rate EVENTS_PER_S --batch-size B --window F --duration 60s
                     [--ramp-to R --ramp-step S --ramp-interval 10s] [--drain 30s] [--frame-cost 400us]
                     [--credentials FILE.json] [--source-addresses 127.0.0.2,127.0.0.3] [--report FILE.json]
                     [--veth-target IFNAME] [--rest-url http://127.0.0.1:7700]
            Targets must be loopback (127.0.0.0/8, localhost, ::1). The one exception, for the capacity tool's
            1500-MTU step: --veth-target IFNAME accepts the other end of veth IFNAME (named z4j...) when loadgen
            runs in a network namespace holding only lo and IFNAME, with no default route.
            --shape asyncio-agent: each of the agents x workers processes is one thread with one socket,
            modelled on z4j-bare's asyncio loop; --frame-cost is its time per signed or verified frame.
            --rest-url: where agents are minted when --url is the brain's agent port (Z4J_AGENT_PORT),
            which serves only /ws/agent; default: the HTTP side of --url.
            --credentials FILE: read agents from FILE if it exists (array of mint responses), else mint them
            with --admin-key and write them to FILE.
            --mode storm: all agents x workers sockets connect at the same instant (credentials read or minted
            first); prints when all were hello-acked, holds them with heartbeats for --duration, and if the
            brain restarts meanwhile they reconnect with z4j-bare's backoff (1 s doubling to 30 s, +30% jitter).""";

    private static final Pattern DURATION = Pattern.compile("(\\d+)(us|ms|s|m|h)?");

    static Options parse(String... args) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new OptionsException("unexpected argument '" + a + "' (options start with --)");
            }
            String name = a;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else {
                if (i + 1 >= args.length) {
                    throw new OptionsException(name + ": missing value");
                }
                value = args[++i];
            }
            if (!KNOWN.contains(name)) {
                throw new OptionsException(name + ": unknown option");
            }
            if (raw.put(name, value) != null) {
                throw new OptionsException(name + ": given twice");
            }
        }

        String urlText = required(raw, "--url");
        URI ws;
        try {
            ws = new URI(urlText);
        } catch (URISyntaxException e) {
            throw new OptionsException("--url: '" + urlText + "' is not a URL");
        }
        if (!"ws".equals(ws.getScheme()) && !"wss".equals(ws.getScheme())) {
            throw new OptionsException("--url: scheme must be ws or wss, got '" + ws.getScheme() + "'");
        }
        if (ws.getHost() == null) {
            throw new OptionsException("--url: refusing '" + urlText
                    + "': no valid host; only loopback targets are allowed (127.0.0.0/8, localhost, ::1)");
        }
        if (raw.containsKey("--veth-target")) {
            // The capacity tool's 1500-MTU link: accepted only where it cannot leave this machine (VethTarget).
            VethTarget.require(ws.getHost(), raw.get("--veth-target"), "--veth-target");
        } else {
            Loopback.requireLoopbackUrl(ws, "--url");
        }
        String path = ws.getPath() == null ? "" : ws.getPath();
        String prefix = path;
        if (path.endsWith("/ws/agent")) {
            prefix = path.substring(0, path.length() - "/ws/agent".length());
        } else {
            while (prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
        }
        String authority = ws.getRawAuthority();
        URI wsUrl = URI.create(ws.getScheme() + "://" + authority + prefix + "/ws/agent");
        URI restBase = URI.create(("wss".equals(ws.getScheme()) ? "https" : "http") + "://" + authority + prefix);
        if (raw.containsKey("--rest-url")) { // agents on the brain's agent port, minted through its HTTP port
            String restText = raw.get("--rest-url").replaceAll("/+$", "");
            URI rest;
            try {
                rest = new URI(restText);
            } catch (java.net.URISyntaxException e) {
                throw new OptionsException("--rest-url: not a URL: '" + restText + "'");
            }
            if (!"http".equals(rest.getScheme()) && !"https".equals(rest.getScheme()) || rest.getHost() == null) {
                throw new OptionsException("--rest-url: an http:// or https:// URL with a host, was '" + restText + "'");
            }
            Loopback.requireLoopbackUrl(rest, "--rest-url");
            restBase = rest;
        }

        Mode mode = Mode.parse(raw.getOrDefault("--mode", "steady"));
        Shape shape = Shape.parse(raw.getOrDefault("--shape", "agent"));
        int agents = intOpt(raw, "--agents", 1, 1, 1_000_000);
        int workers = intOpt(raw, "--workers", 1, 1, MAX_WORKERS_PER_AGENT);
        double defaultRate = (mode == Mode.IDLE || mode == Mode.ECHO || mode == Mode.STORM) ? 0 : 100;
        double rate = doubleOpt(raw, "--rate", defaultRate, 0, 10_000_000);
        int batchSize = intOpt(raw, "--batch-size", 100, 1, MAX_BATCH_SIZE);
        int window = intOpt(raw, "--window", 4, 1, 100_000);
        Duration duration = durationOpt(raw, "--duration", Duration.ofSeconds(60));
        Duration rampInterval = durationOpt(raw, "--ramp-interval", Duration.ofSeconds(10));
        Duration drain = durationOpt(raw, "--drain", Duration.ofSeconds(30));
        double rampTo = doubleOpt(raw, "--ramp-to", 0, 0, 10_000_000);
        double rampStep = doubleOpt(raw, "--ramp-step", 0, 0, 10_000_000);

        if (duration.isZero()) {
            throw new OptionsException("--duration: must be at least 1s");
        }
        switch (mode) {
            case STEADY -> {
                if (rate <= 0) {
                    throw new OptionsException("--rate: steady mode needs a rate above 0 events/s");
                }
            }
            case RAMP -> {
                if (!raw.containsKey("--ramp-to") || !raw.containsKey("--ramp-step")) {
                    throw new OptionsException("--ramp-to/--ramp-step: ramp mode needs both");
                }
                if (rampStep <= 0) {
                    throw new OptionsException("--ramp-step: must be above 0");
                }
                if (rampTo <= rate) {
                    throw new OptionsException("--ramp-to: must be above --rate (" + fmt(rate) + ")");
                }
                if (rampInterval.isZero()) {
                    throw new OptionsException("--ramp-interval: must be at least 1s");
                }
            }
            case IDLE, STORM -> {
                if (raw.containsKey("--rate") && rate > 0) {
                    throw new OptionsException("--rate: " + mode.wire() + " mode sends no events; drop --rate");
                }
            }
            case ECHO -> { }
        }
        if (mode != Mode.RAMP && (raw.containsKey("--ramp-to") || raw.containsKey("--ramp-step"))) {
            throw new OptionsException("--ramp-to/--ramp-step: only valid with --mode ramp");
        }

        Path credentials = raw.containsKey("--credentials") ? Path.of(raw.get("--credentials")) : null;
        String adminKey = raw.get("--admin-key");
        boolean haveCredentials = credentials != null && Files.isRegularFile(credentials);
        if (!haveCredentials && (adminKey == null || adminKey.isBlank())) {
            throw new OptionsException("--admin-key: needed to mint agents (or give an existing --credentials file)");
        }
        String project = raw.getOrDefault("--project", "default");
        if (!project.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
            throw new OptionsException("--project: '" + project + "' is not a project slug");
        }

        List<InetAddress> sources = new ArrayList<>();
        if (raw.containsKey("--source-addresses")) {
            for (String s : raw.get("--source-addresses").split(",")) {
                if (!s.isBlank()) {
                    sources.add(Loopback.requireLoopbackAddress(s.strip(), "--source-addresses"));
                }
            }
            if (sources.isEmpty()) {
                throw new OptionsException("--source-addresses: no address given");
            }
        }
        Path report = raw.containsKey("--report") ? Path.of(raw.get("--report")) : null;

        Duration frameCost = durationOpt(raw, "--frame-cost", AsyncioAgents.DEFAULT_FRAME_COST);
        if (raw.containsKey("--frame-cost") && shape != Shape.ASYNCIO_AGENT) {
            throw new OptionsException("--frame-cost: only valid with --shape asyncio-agent");
        }
        if (frameCost.compareTo(MAX_FRAME_COST) > 0) {
            throw new OptionsException("--frame-cost: " + raw.get("--frame-cost") + " is over "
                    + MAX_FRAME_COST.toMillis() + "ms");
        }
        if (shape == Shape.ASYNCIO_AGENT && !sources.isEmpty()) {
            throw new OptionsException("--source-addresses: not supported with --shape asyncio-agent");
        }

        return new Options(wsUrl, restBase, adminKey, project, agents, workers, mode, shape, rate, batchSize,
                window, duration, rampTo, rampStep, rampInterval, drain, credentials, List.copyOf(sources), report,
                frameCost, redacted(raw));
    }

    int connections() {
        return agents * workers;
    }

    /** The options as given, for the report; the admin key is never written out. */
    private static Map<String, String> redacted(Map<String, String> raw) {
        Map<String, String> copy = new LinkedHashMap<>(raw);
        copy.computeIfPresent("--admin-key", (k, v) -> "<redacted>");
        return java.util.Collections.unmodifiableMap(copy);
    }

    private static final List<String> KNOWN = List.of("--url", "--admin-key", "--project", "--agents", "--workers",
            "--mode", "--shape", "--rate", "--batch-size", "--window", "--duration", "--ramp-to", "--ramp-step",
            "--ramp-interval", "--drain", "--credentials", "--source-addresses", "--report", "--frame-cost",
            "--veth-target", "--rest-url");

    private static String required(Map<String, String> raw, String name) {
        String v = raw.get(name);
        if (v == null || v.isBlank()) {
            throw new OptionsException(name + ": required");
        }
        return v;
    }

    private static int intOpt(Map<String, String> raw, String name, int def, int min, int max) {
        String v = raw.get(name);
        if (v == null) {
            return def;
        }
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new OptionsException(name + ": '" + v + "' is not an integer");
        }
        if (n < min || n > max) {
            throw new OptionsException(name + ": " + n + " is outside " + min + ".." + max);
        }
        return n;
    }

    private static double doubleOpt(Map<String, String> raw, String name, double def, double min, double max) {
        String v = raw.get(name);
        if (v == null) {
            return def;
        }
        double d;
        try {
            d = Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new OptionsException(name + ": '" + v + "' is not a number");
        }
        if (!(d >= min && d <= max)) {
            throw new OptionsException(name + ": " + v + " is outside " + fmt(min) + ".." + fmt(max));
        }
        return d;
    }

    static Duration durationOpt(Map<String, String> raw, String name, Duration def) {
        String v = raw.get(name);
        if (v == null) {
            return def;
        }
        Matcher m = DURATION.matcher(v.strip());
        if (!m.matches()) {
            throw new OptionsException(name + ": '" + v + "' is not a duration like 400us, 500ms, 30s, 5m, 1h");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            long n = Long.parseLong(m.group(1));
            return switch (unit) {
                case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            throw new OptionsException(name + ": '" + v + "' is too large");
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
