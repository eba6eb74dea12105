package dev.z4j.brain.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A brain in its own JVM (started like an operator would: Main with Z4J_* env), killable with SIGKILL. */
final class BrainProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

    final Process process;
    final int port;
    final String adminKey;

    private BrainProcess(Process process, int port, String adminKey) {
        this.process = process;
        this.port = port;
        this.adminKey = adminKey;
    }

    /** Main on this JVM's class path. */
    static BrainProcess start(Map<String, String> env, Path log) throws Exception {
        return start(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "-Djava.util.logging.config.file=" + System.getProperty("java.util.logging.config.file", ""),
                Main.class.getName(), "serve"), env, log);
    }

    /** The brain the way an operator starts it from a checkout: {@code ./z4j-brain serve}. */
    static BrainProcess startWithLauncher(Path launcher, Map<String, String> env, Path log) throws Exception {
        Map<String, String> withHeap = new java.util.HashMap<>(env);
        withHeap.put("JAVA_OPTS", "-Xmx256m");
        return start(List.of(launcher.toString(), "serve"), withHeap, log);
    }

    private static BrainProcess start(List<String> command, Map<String, String> env, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectError(log.toFile());
        Process p = pb.start();
        CompletableFuture<String[]> ready = new CompletableFuture<>();
        Thread.startVirtualThread(() -> {
            String key = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.strip().startsWith("z4k_")) {
                        key = line.strip();
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        ready.complete(new String[] {m.group(1), key});
                    }
                }
            } catch (IOException ignored) {
                // process died
            }
            ready.completeExceptionally(new IllegalStateException("brain process exited before listening"));
        });
        String[] r = ready.get(60, TimeUnit.SECONDS);
        return new BrainProcess(p, Integer.parseInt(r[0]), r[1]);
    }

    /** SIGKILL: no shutdown hook, no drain, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: graceful shutdown
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    static List<String> tail(Path log) throws IOException {
        List<String> lines = java.nio.file.Files.readAllLines(log);
        return lines.subList(Math.max(0, lines.size() - 20), lines.size());
    }
}
