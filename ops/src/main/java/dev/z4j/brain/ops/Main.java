package dev.z4j.brain.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.z4j.brain.ingress.Credentials;
import dev.z4j.brain.ingress.RestApi;
import dev.z4j.brain.store.Database;
import dev.z4j.brain.store.DatabaseConfig;
import dev.z4j.brain.store.Databases;
import dev.z4j.brain.store.Directory;
import dev.z4j.brain.store.StoreException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar z4j-brain.jar [serve|migrate|projects create SLUG|agents create ...|admin-keys create]}.
 * Exit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration.
 */
public final class Main {
    static final String USAGE = """
            usage: z4j-brain [command]
              serve                                   start the brain (default)
              migrate                                 apply database migrations and exit
              projects create SLUG [--name NAME]      create a project
              agents create --project SLUG --name NAME [--count N] [--json]
                                                      mint agent credentials (token shown once)
              admin-keys create [--name NAME]         mint an admin API key (shown once)
            configuration: Z4J_* environment variables (see README)""";

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> a = List.of(args);
        try {
            BrainConfig config = BrainConfig.fromEnv(env);
            String cmd = a.isEmpty() ? "serve" : a.get(0);
            return switch (cmd) {
                case "serve" -> serve(config, out);
                case "migrate" -> withDatabase(config, db -> out.println("migrations applied"));
                case "projects" -> projects(config, a, out);
                case "agents" -> agents(config, a, out);
                case "admin-keys" -> adminKeys(config, a, out);
                case "-h", "--help", "help" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> usage(err, "unknown command '" + cmd + "'");
            };
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (UsageException e) {
            return usage(err, e.getMessage());
        } catch (StoreException e) {
            err.println("database error: " + e.getMessage());
            return 1;
        }
    }

    private static int serve(BrainConfig config, PrintStream out) throws StoreException {
        Brain brain = Brain.start(config);
        brain.bootstrapAdminKey().ifPresent(key -> {
            out.println("Project 'default' created. Admin API key (shown once, store it now):");
            out.println("  " + key);
        });
        out.println("z4j brain listening on http://" + config.bindHost() + ":" + brain.port()
                + " (" + (config.postgres() ? "PostgreSQL" : "SQLite at " + config.home().resolve("z4j.db")) + ")");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            brain.close(); // SIGTERM: drain, ack, close sockets with 1001
            stopped.countDown();
        }, "z4j-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int projects(BrainConfig config, List<String> a, PrintStream out) throws StoreException {
        if (a.size() < 3 || !a.get(1).equals("create")) {
            throw new UsageException("projects create SLUG [--name NAME]");
        }
        String slug = a.get(2);
        if (!slug.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new UsageException("SLUG must be lower-case letters, digits and '-', at most 63 chars");
        }
        String name = option(a, "--name", slug);
        return withDatabase(config, db -> {
            Directory.Project p = db.directory().createProject(slug, name);
            out.println("project " + p.slug() + " " + p.id());
        });
    }

    private static int agents(BrainConfig config, List<String> a, PrintStream out) throws StoreException {
        if (a.size() < 2 || !a.get(1).equals("create")) {
            throw new UsageException("agents create --project SLUG --name NAME [--count N] [--json]");
        }
        String slug = option(a, "--project", null);
        String name = option(a, "--name", null);
        if (slug == null || name == null) {
            throw new UsageException("agents create needs --project SLUG and --name NAME");
        }
        int count;
        try {
            count = Integer.parseInt(option(a, "--count", "1"));
        } catch (NumberFormatException e) {
            throw new UsageException("--count must be a number");
        }
        if (count < 1 || count > 100_000) {
            throw new UsageException("--count must be between 1 and 100000");
        }
        boolean json = a.contains("--json");
        return withDatabase(config, db -> {
            Directory.Project project = db.directory().projectBySlug(slug)
                    .orElseThrow(() -> new UsageException("no project '" + slug + "'"));
            List<RestApi.AgentCredentials> minted = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                try {
                    minted.add(RestApi.mint(db.directory(), config.secretBytes(), project,
                            count == 1 ? name : name + "-" + i));
                } catch (RestApi.ApiError e) {
                    throw new UsageException(e.getMessage());
                }
            }
            if (json) {
                ArrayNode arr = new ObjectMapper().createArrayNode();
                minted.forEach(c -> arr.add(c.toJson()));
                out.println(arr.toPrettyString());
            } else {
                for (RestApi.AgentCredentials c : minted) {
                    out.println("agent " + c.name() + " (" + c.agentId() + ") in project " + c.projectSlug());
                    out.println("  Z4J_AGENT_ID=" + c.agentId());
                    out.println("  Z4J_TOKEN=" + c.token());
                    out.println("  Z4J_HMAC_SECRET=" + c.hmacSecret());
                }
            }
        });
    }

    private static int adminKeys(BrainConfig config, List<String> a, PrintStream out) throws StoreException {
        if (a.size() < 2 || !a.get(1).equals("create")) {
            throw new UsageException("admin-keys create [--name NAME]");
        }
        String name = option(a, "--name", "cli");
        return withDatabase(config, db -> {
            String key = Credentials.newAdminKey();
            db.directory().createAdminKey(name, Credentials.adminKeyHash(config.secretBytes(), key));
            out.println(key);
        });
    }

    @FunctionalInterface
    private interface DbWork {
        void run(Database db) throws StoreException;
    }

    private static int withDatabase(BrainConfig config, DbWork work) throws StoreException {
        try (Database db = Databases.open(new DatabaseConfig(config.databaseUrl(), config.home(),
                config.statementTimeoutMs(), 2))) {
            db.migrate();
            work.run(db);
        }
        return 0;
    }

    private static String option(List<String> a, String name, String dflt) {
        int i = a.indexOf(name);
        if (i < 0) {
            return dflt;
        }
        if (i + 1 >= a.size()) {
            throw new UsageException(name + " needs a value");
        }
        return a.get(i + 1);
    }

    private static int usage(PrintStream err, String problem) {
        err.println(problem);
        err.println(USAGE);
        return 2;
    }

    /** Bad command-line usage (exit 2). */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
