package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine as /proc describes it, for the report header. */
record Machine(int cores, String cpuModel, long memTotalKib, String loadAverage) {

    static Machine read() throws IOException {
        List<String> cpu = Files.readAllLines(Path.of("/proc/cpuinfo"));
        int cores = (int) cpu.stream().filter(l -> l.startsWith("processor")).count();
        String model = cpu.stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown");
        long mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        return new Machine(cores, model, mem, load);
    }

    /** The 1-minute load average right now (the machine is shared; the report says how busy it was). */
    static String loadNow() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).strip().split(" ")[0];
    }

    String describe() {
        return String.format("%d cores (%s), %.1f GiB RAM (MemTotal %d kB)", cores, cpuModel,
                memTotalKib / 1024.0 / 1024.0, memTotalKib);
    }
}
