package dev.z4j.brain.ops;

import dev.z4j.brain.ingress.api.AgentCredentials;
import dev.z4j.brain.ingress.api.ApiError;
import dev.z4j.brain.ingress.StorableText;
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
 * {@code ./z4j-brain [serve|migrate|projects create SLUG|agents create ...|admin-keys create]}
 * (the launcher runs {@code java -jar ops/target/z4j-brain.jar}). Every command works on a fresh
 * Z4J_HOME or an empty database: it migrates and creates project {@code default} first.
 * Exit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration.
 */
public final class Main {
    static final String USAGE = """
            usage: z4j-brain [command]
              serve                                   start the brain (default)
              migrate                                 apply database migrations and exit
              projects create SLUG [--name NAME]      create a project
              agents create --project SLUG --name NAME [--count N] [--json]
                                                      mint agent credentials (token shown once);
                                                      --json prints one JSON object per agent per line
              admin-keys create [--name NAME]         mint an admin:* API key (shown once)
            configuration: Z4J_* environment variables (see README)""";

    private Main() {}

    public static void main(String[] args) {
        try {
            LogSetup.install(LogSetup.fromEnv(System.getenv())); // first: everything after may log
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
        }
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> a = List.of(args);
        String cmd = a.isEmpty() ? "serve" : a.get(0);
        if (List.of("-h", "--help", "help").contains(cmd)) {
            out.println(USAGE); // before reading the configuration, which may create Z4J_HOME
            return 0;
        }
        try {
            BrainConfig config = BrainConfig.fromEnv(env);
            return switch (cmd) {
                case "serve" -> serve(config, out);
                case "migrate" -> withDatabase(config, err, db -> out.println("migrations applied"));
                case "projects" -> projects(config, a, out, err);
                case "agents" -> agents(config, a, out, err);
                case "admin-keys" -> adminKeys(config, a, out, err);
                default -> usage(err, "unknown command '" + cmd + "'");
            };
        } catch (BrainStartException e) {
            err.println("cannot start: " + e.getMessage());
            return 1;
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
            out.println("Admin API key (admin:*, shown once, store it now):");
            out.println("  " + key);
        });
        brain.setupToken().ifPresent(token -> {
            out.println("No operator account yet. Create the first admin within "
                    + config.operator().setupTokenTtl().toMinutes() + " minutes at:");
            out.println("  " + brain.publicUrl(config) + "/setup?token=" + token);
            out.println("(or set Z4J_BOOTSTRAP_ADMIN_EMAIL and Z4J_BOOTSTRAP_ADMIN_PASSWORD and restart)");
        });
        if (brain.agentPort() >= 0) {
            out.println("agent sockets also on ws://" + config.bindHost() + ":" + brain.agentPort()
                    + "/ws/agent (Z4J_AGENT_PORT)");
        }
        out.println("z4j brain listening on http://" + config.bindHost() + ":" + brain.port()
                + " (" + (config.postgres() ? "PostgreSQL" : "SQLite at " + config.home().resolve("z4j.db")) + ")");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            brain.close(); // SIGTERM: drain, ack, close sockets with 1001
            out.println("z4j brain stopped"); // stdout: JUL's own shutdown hook may have closed the log
            out.flush();
            stopped.countDown();
        }, "z4j-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int projects(BrainConfig config, List<String> a, PrintStream out, PrintStream err)
            throws StoreException {
        if (a.size() < 3 || !a.get(1).equals("create")) {
            throw new UsageException("projects create SLUG [--name NAME]");
        }
        String slug = a.get(2);
        if (!slug.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new UsageException("SLUG must be lower-case letters, digits and '-', at most 63 chars");
        }
        String name = storable("--name", option(a, "--name", slug));
        return withDatabase(config, err, db -> {
            if (db.directory().projectBySlug(slug).isPresent()) {
                throw new UsageException("project '" + slug + "' already exists");
            }
            Directory.Project p = db.directory().createProject(slug, name);
            out.println("project " + p.slug() + " " + p.id());
        });
    }

    private static int agents(BrainConfig config, List<String> a, PrintStream out, PrintStream err)
            throws StoreException {
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
        return withDatabase(config, err, db -> {
            Directory.Project project = db.directory().projectBySlug(slug)
                    .orElseThrow(() -> new UsageException("no project '" + slug + "'"));
            List<AgentCredentials> minted = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                try {
                    minted.add(AgentCredentials.mint(db.directory(), config.secretBytes(), project.id(),
                            project.slug(), count == 1 ? name : name + "-" + i));
                } catch (ApiError e) {
                    throw new UsageException(e.getMessage().startsWith("name") ? "--name " + e.getMessage()
                            : e.getMessage());
                }
            }
            if (json) {
                // JSON Lines: `... --json | head -1 | jq .token` reads the first agent
                minted.forEach(c -> out.println(c.toJson().toString()));
            } else {
                // The agent's own environment variables, the same lines the dashboard shows after a mint.
                String brainUrl = agentBrainUrl(config);
                for (AgentCredentials c : minted) {
                    out.println("agent " + c.name() + " (" + c.agentId() + ") in project " + c.projectSlug());
                    out.println("  Z4J_BRAIN_URL=" + brainUrl);
                    out.println("  Z4J_TOKEN=" + c.token());
                    out.println("  Z4J_HMAC_SECRET=" + c.hmacSecret());
                    out.println("  Z4J_PROJECT_ID=" + c.projectId());
                }
            }
        });
    }

    /** Z4J_PUBLIC_URL when set; else this brain's own address, a wildcard bind read as localhost. */
    static String agentBrainUrl(BrainConfig config) {
        if (config.operator().publicUrl() != null) {
            return config.operator().publicUrl();
        }
        String host = config.bindHost();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "localhost";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]"; // an IPv6 literal in a URL
        }
        return "http://" + host + ":" + config.bindPort();
    }

    private static int adminKeys(BrainConfig config, List<String> a, PrintStream out, PrintStream err)
            throws StoreException {
        if (a.size() < 2 || !a.get(1).equals("create")) {
            throw new UsageException("admin-keys create [--name NAME]");
        }
        String name = storable("--name", option(a, "--name", "cli"));
        return withDatabase(config, err, db -> {
            out.println(Bootstrap.newAdminKey(db, config.secretBytes(), name, java.time.Instant.now()));
        });
    }

    @FunctionalInterface
    private interface DbWork {
        void run(Database db) throws StoreException;
    }

    /** Opens, migrates and bootstraps (project default) the database, then runs {@code work}. */
    private static int withDatabase(BrainConfig config, PrintStream err, DbWork work) throws StoreException {
        try (Database db = Databases.open(new DatabaseConfig(config.databaseUrl(), config.home(),
                config.statementTimeoutMs(), 2))) {
            db.migrate();
            if (Bootstrap.ensureDefaultProject(db.directory())) {
                err.println("new database: created project '" + Bootstrap.DEFAULT_PROJECT + "' ("
                        + (config.postgres() ? "PostgreSQL" : "SQLite at " + config.home().resolve("z4j.db"))
                        + "); the server prints an admin key on its first start");
            }
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

    /** The same rule as the REST API: text the database cannot hold as given is a usage error naming the option. */
    private static String storable(String option, String value) {
        String problem = StorableText.problem(value);
        if (problem != null) {
            throw new UsageException(option + " " + problem);
        }
        return value;
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
