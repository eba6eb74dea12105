package dev.z4j.brain.bench.capacity;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every phase shares: the JDK, the built jars, a temporary work folder, the embedded
 * PostgreSQL's URL and one master secret (replicas must share it: admin keys and agent tokens are
 * hashed with it).
 *
 * @param brainJvmFlags the JVM flags of every brain process (recorded in the report)
 */
record Setup(Path jdk, Path brainJar, Path loadgenJar, Path workDir, String databaseUrl, String secret,
             List<String> brainJvmFlags) {

    Path java() {
        return jdk.resolve("bin/java");
    }

    /** The environment of a brain replica on the shared database. */
    Map<String, String> brainEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("Z4J_DATABASE_URL", databaseUrl);
        env.put("Z4J_SECRET", secret);
        env.put("Z4J_REGISTRY_BACKEND", "postgres_notify");
        return env;
    }
}
