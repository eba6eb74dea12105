package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** The JVM flags {@code ./z4j-brain} ships, as it prints them for this JDK ({@code --jvm-flags}). */
final class LauncherFlags {
    private LauncherFlags() {}

    static List<String> read(Path root, Path jdk) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("z4j-brain").toString(), "--jvm-flags");
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("./z4j-brain --jvm-flags exited " + p.exitValue());
        }
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
