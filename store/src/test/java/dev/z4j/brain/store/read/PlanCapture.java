package dev.z4j.brain.store.read;

import dev.z4j.brain.store.StoreException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A runner for {@link SqlOperatorReads} that, before each statement runs, asks the database for its
 * plan with the very same text and parameters: the plan tests see exactly what production runs.
 */
public final class PlanCapture implements JdbcRunner {

    /** One statement that ran, and the plan the database chose for it. */
    public record Plan(String sql, List<String> lines) {
        public String text() {
            return String.join("\n", lines);
        }
    }

    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final ConnectionSource source;
    private final String explain;
    private final int column;
    private final List<Plan> plans = new ArrayList<>();

    /** {@code explain} is "EXPLAIN " (PostgreSQL, plan in column 1) or "EXPLAIN QUERY PLAN " (SQLite, column 4). */
    public PlanCapture(ConnectionSource source, String explain, int column) {
        this.source = source;
        this.explain = explain;
        this.column = column;
    }

    /** The plans of the statements run since the last call. */
    public List<Plan> take() {
        List<Plan> out = List.copyOf(plans);
        plans.clear();
        return out;
    }

    @Override
    public <T> T read(String what, JdbcWork<T> work) throws StoreException {
        return run(what, work);
    }

    @Override
    public <T> T write(String what, JdbcWork<T> work) throws StoreException {
        return run(what, work);
    }

    private <T> T run(String what, JdbcWork<T> work) throws StoreException {
        try (Connection c = source.open()) {
            return work.run(capturing(c));
        } catch (SQLException e) {
            throw new StoreException(what + ": " + e.getMessage(), false, e);
        }
    }

    private Connection capturing(Connection real) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("prepareStatement") && args.length == 1) {
                return statement(real, (String) args[0], (PreparedStatement) method.invoke(real, args));
            }
            return invoke(real, method, args);
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

    private PreparedStatement statement(Connection real, String sql, PreparedStatement target) {
        List<Object[]> binds = new ArrayList<>();
        InvocationHandler h = (proxy, method, args) -> {
            String name = method.getName();
            if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer) {
                binds.add(new Object[] {method, args});
            } else if (name.equals("executeQuery") || name.equals("executeUpdate")) {
                plans.add(new Plan(sql, explain(real, sql, binds)));
            }
            return invoke(target, method, args);
        };
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, h);
    }

    private List<String> explain(Connection real, String sql, List<Object[]> binds) throws Throwable {
        try (PreparedStatement ps = real.prepareStatement(explain + sql)) {
            for (Object[] b : binds) {
                invoke(ps, (Method) b[0], (Object[]) b[1]);
            }
            List<String> lines = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString(column));
                }
            }
            return lines;
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
