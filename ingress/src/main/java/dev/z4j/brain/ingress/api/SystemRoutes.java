package dev.z4j.brain.ingress.api;

import static dev.z4j.brain.ingress.api.ApiShapes.*;

import io.helidon.http.Status;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Health ({@code /health}, {@code /health/ready}, {@code /health/system}), this API's own
 * {@code openapi.json}, the notification bell (there are no notifications in this brain: the bell
 * is answered with the true, empty state) and dashboard socket tickets.
 */
public final class SystemRoutes {
    private final BooleanSupplier databaseUp;
    private final BooleanSupplier started;
    private final String version;
    private final String databaseType;
    private final Supplier<Object> openApi;
    private final java.util.function.Function<Caller, String> newTicket;
    private final long ticketSeconds;

    SystemRoutes(BooleanSupplier databaseUp, BooleanSupplier started, String version, String databaseType,
                 Supplier<Object> openApi, java.util.function.Function<Caller, String> newTicket, long ticketSeconds) {
        this.databaseUp = databaseUp;
        this.started = started;
        this.version = version;
        this.databaseType = databaseType;
        this.openApi = openApi;
        this.newTicket = newTicket;
        this.ticketSeconds = ticketSeconds;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/health", Tag.HEALTH, Need.NOBODY).summary("Liveness: {\"status\":\"ok\"}")
                        .returns(HealthStatus.class).handle(c -> new HealthStatus("ok")),
                Route.get("/health/ready", Tag.HEALTH, Need.NOBODY)
                        .summary("Readiness: 200 ready, or 503 unready with reason starting|database")
                        .returns(Readiness.class).handle(c -> ready()),
                Route.get("/health/system", Tag.SYSTEM, Need.SIGNED_IN)
                        .summary("Versions and the database kind").returns(SystemInfo.class)
                        .handle(c -> new SystemInfo(version, Runtime.version().toString(), databaseType)),
                Route.get("/openapi.json", Tag.META, Need.NOBODY)
                        .summary("This description, generated from the route table").handle(c -> openApi.get()),
                Route.get("/user/notifications/unread-count", Tag.NOTIFICATIONS, Need.SIGNED_IN)
                        .summary("Unread notifications (this brain sends none: always 0)").returns(UnreadCount.class)
                        .handle(c -> new UnreadCount(0)),
                Route.get("/user/notifications", Tag.NOTIFICATIONS, Need.SIGNED_IN).query("limit")
                        .summary("The caller's notifications (this brain sends none: always empty)")
                        .returns(Shape.listOf(NotificationPublic.class)).handle(c -> {
                            c.queryInt("limit", 20, 1, 200);
                            return List.of();
                        }),
                Route.post("/user/notifications/read-all", Tag.NOTIFICATIONS, Need.SIGNED_IN)
                        .summary("Mark every notification read").handle(c -> null),
                Route.post("/dashboard/ticket", Tag.DASHBOARD, Need.SIGNED_IN).status(Status.CREATED_201)
                        .summary("A single-use ticket for /ws/dashboard?ticket=, valid 60 s (for clients without cookies)")
                        .returns(DashboardTicket.class)
                        .handle(c -> new DashboardTicket(newTicket.apply(c.caller), ticketSeconds)));
    }

    private Reply ready() {
        if (!started.getAsBoolean()) {
            return Reply.json(Status.SERVICE_UNAVAILABLE_503, new Readiness("unready", "starting"));
        }
        if (!databaseUp.getAsBoolean()) {
            return Reply.json(Status.SERVICE_UNAVAILABLE_503, new Readiness("unready", "database"));
        }
        return Reply.json(Status.OK_200, new Readiness("ready", null));
    }
}
