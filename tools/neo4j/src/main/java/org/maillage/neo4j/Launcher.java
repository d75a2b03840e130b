package org.maillage.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

/**
 * Runs a Neo4j Community DBMS in this JVM with Bolt on, for Maillage's tests and local use.
 *
 * <p>Usage: {@code java -cp CLASSPATH org.maillage.neo4j.Launcher HOME CONFIG}. HOME holds the
 * databases; CONFIG is a neo4j.conf-style file (neo4j.sh writes it). The password of user
 * {@code neo4j} comes from the environment variable {@code MAILLAGE_NEO4J_PASSWORD}, never from
 * the command line, so it does not show in the process list.
 *
 * <p>The DBMS stops on SIGTERM/SIGINT (shutdown hook) and when standard input reaches its end,
 * so a parent that dies never leaves a JVM holding the port. Lines starting with
 * {@code MAILLAGE-NEO4J} on standard output are read by neo4j.sh.
 */
public final class Launcher {
    private static final String MARK = "MAILLAGE-NEO4J ";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher HOME CONFIG");
            System.exit(64);
        }
        String password = System.getenv("MAILLAGE_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("MAILLAGE_NEO4J_PASSWORD must hold a password of 8 characters or more");
            System.exit(64);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path config = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(home);

        DatabaseManagementService dbms =
                new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(config).build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(MARK + "stopping");
            dbms.shutdown();
            System.out.println(MARK + "stopped");
            System.out.flush();
        }, "maillage-neo4j-shutdown"));

        try {
            setPassword(dbms.database("system"), password);
            System.out.println(MARK + "version " + version(dbms.database("neo4j")));
        } catch (RuntimeException failure) {
            // The DBMS threads would keep the JVM alive: exit, the hook shuts it down.
            failure.printStackTrace();
            System.out.println(MARK + "failed " + failure.getMessage());
            System.exit(1);
        }
        System.out.println(MARK + "ready");
        System.out.flush();

        waitForEndOfInput(System.in);
        // Exit runs the shutdown hook; never call System.exit from inside the hook.
        System.exit(0);
    }

    /** Sets the password of user neo4j; the embedded API runs with full rights. */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (QueryExecutionException refused) {
            // Neo4j refuses to "change" a password to itself: then it is already right.
            String message = String.valueOf(refused.getMessage());
            if (!message.contains("cannot be the same")) {
                throw refused;
            }
        }
    }

    private static String version(GraphDatabaseService database) {
        try (Transaction tx = database.beginTx();
                Result result = tx.execute(
                        "CALL dbms.components() YIELD name, versions, edition "
                                + "RETURN name + ' ' + versions[0] + ' ' + edition AS version")) {
            return String.valueOf(result.next().get("version"));
        }
    }

    private static void waitForEndOfInput(InputStream input) {
        byte[] buffer = new byte[256];
        try {
            while (input.read(buffer) != -1) {
                // Whatever arrives is ignored: only the end of input matters.
            }
        } catch (IOException closed) {
            // A broken stdin means the parent is gone: stop as for end of input.
        }
    }
}
