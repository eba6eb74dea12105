package dev.z4j.brain.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * End-to-end through a real nginx (run by ops/e2e/nginx-e2e.sh, which makes the certificate and
 * renders the production config): two brain processes on one PostgreSQL, agents over wss://
 * with session affinity, and a command issued on one replica reaching an agent pinned to the other.
 * Exits 0 on success, 1 with the reason on failure.
 *
 * <p>Args: NGINX_CONF_TEMPLATE WORK_DIR CERT_PEM LAUNCHER (the repository's ./z4j-brain, which starts
 * the brains as the README does)
 */
public final class NginxE2e {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path template = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Path cert = Path.of(args[2]);
        Path launcher = Path.of(args[3]);
        int code = 1;
        Process nginx = null;
        BrainProcess a = null;
        BrainProcess b = null;
        try {
            Map<String, String> env = new HashMap<>(BrainFixture.baseEnv(BrainFixture.Db.POSTGRES, work));
            env.put("Z4J_BIND_PORT", "7701");
            a = BrainProcess.startWithLauncher(launcher, env, work.resolve("brain-a.log"));
            Map<String, String> envB = new HashMap<>(env);
            envB.put("Z4J_BIND_PORT", "7702");
            b = BrainProcess.startWithLauncher(launcher, envB, work.resolve("brain-b.log"));
            System.out.println("brains on :7701 and :7702 share " + env.get("Z4J_DATABASE_URL"));

            String conf = Files.readString(template)
                    .replace("/etc/z4j/tls/brain.crt", cert.toString())
                    .replace("/etc/z4j/tls/brain.key", cert.toString().replace(".crt", ".key"));
            Path nginxConf = work.resolve("nginx.conf");
            Files.writeString(nginxConf, "worker_processes 1;\npid " + work.resolve("nginx.pid") + ";\n"
                    + "error_log " + work.resolve("nginx-error.log") + " info;\n"
                    + "events { worker_connections 1024; }\n"
                    + "http {\n access_log " + work.resolve("nginx-access.log") + ";\n" + conf + "\n}\n");
            nginx = new ProcessBuilder("nginx", "-p", work.toString(), "-c", nginxConf.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(work.resolve("nginx.out").toFile()).start();

            HttpClient tls = HttpClient.newBuilder().sslContext(trusting(cert)).connectTimeout(Duration.ofSeconds(5)).build();
            String admin = a.adminKey;
            waitForHttps(tls, "https://localhost:8443/health/live");

            // Two agents through nginx; each sticks to the replica its token hashes to.
            TestAgent[] agents = new TestAgent[6];
            for (int i = 0; i < agents.length; i++) {
                JsonNode cred = mint(tls, admin, "nginx-agent-" + i);
                agents[i] = new TestAgent(cred.get("agent_id").asText(), cred.get("token").asText(),
                        cred.get("hmac_secret").asText(), "worker-nginx-" + i)
                        .connect(tls, URI.create("wss://localhost:8443/ws/agent"), "Bearer " + cred.get("token").asText())
                        .handshake();
                agents[i].sendBatch("ev_nginx_" + i, TestAgent.lifecycle("nginx-task-" + i, Instant.now()));
            }
            // Every agent gets one command issued on EACH replica: whichever replica holds its socket,
            // one of the two commands had to cross replicas to reach it.
            int delivered = 0;
            for (TestAgent agent : agents) {
                for (int replicaPort : new int[] {7701, 7702}) {
                    String id = issue(replicaPort, admin, agent.agentId);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    while (agent.commands().stream().noneMatch(f -> f.id().equals(id))) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("command " + id + " issued on :" + replicaPort
                                    + " never reached agent " + agent.agentId);
                        }
                        Thread.sleep(20);
                    }
                    delivered++;
                }
            }
            int holdersA = held(7701, admin);
            int holdersB = held(7702, admin);
            long acked = 0;
            for (TestAgent t : agents) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (t.acks().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                acked += t.acks().size();
                t.close();
            }
            System.out.printf("agents via wss through nginx: %d, batches acked: %d, commands delivered: %d%n",
                    agents.length, acked, delivered);
            System.out.printf("agent sockets held: replica A %d, replica B %d (affinity by token hash)%n",
                    holdersA, holdersB);
            if (acked != agents.length) {
                throw new IllegalStateException("not every batch was acked through nginx");
            }
            if (holdersA + holdersB != agents.length) {
                throw new IllegalStateException("expected " + agents.length + " agent sockets, replicas hold "
                        + holdersA + " + " + holdersB);
            }
            System.out.println("nginx e2e: OK");
            code = 0;
        } catch (Exception e) {
            System.out.println("nginx e2e: FAILED: " + e);
            for (String log : new String[] {"brain-a.log", "brain-b.log", "nginx-error.log", "nginx.out"}) {
                Path p = work.resolve(log);
                if (Files.exists(p)) {
                    System.out.println("--- last lines of " + log + ":");
                    BrainProcess.tail(p).forEach(System.out::println);
                }
            }
        } finally {
            if (nginx != null) {
                nginx.destroy();
            }
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        }
        System.exit(code);
    }

    private static SSLContext trusting(Path certPem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(certPem)) {
            ks.setCertificateEntry("z4j-e2e", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void waitForHttps(HttpClient tls, String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                if (tls.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
            }
            Thread.sleep(100);
        }
    }

    private static JsonNode mint(HttpClient tls, String admin, String name) throws Exception {
        HttpResponse<String> r = tls.send(HttpRequest.newBuilder(URI.create("https://localhost:8443/api/v1/projects/default/agents"))
                .header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("mint through nginx: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static String issue(int port, String admin, String agentId) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/projects/default/commands"))
                .header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofString("{\"agent_id\":\"" + agentId + "\",\"action\":\"cancel_task\","
                        + "\"target\":{\"type\":\"task\",\"id\":\"celery:x\"},\"parameters\":{\"engine\":\"celery\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("issue on :" + port + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).get("id").asText();
    }

    private static int held(int port, String admin) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        for (String line : r.body().split("\n")) {
            if (line.startsWith("z4j_agent_connections ")) {
                return (int) Double.parseDouble(line.substring("z4j_agent_connections ".length()));
            }
        }
        return -1;
    }
}
