package dev.z4j.brain.ops;

import dev.z4j.brain.store.Accounts;
import dev.z4j.brain.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * {@code GET /setup}: the first-admin form, self-contained (inline CSS and script; the token is read
 * from {@code ?token=} in the browser). Served only while no user exists and a setup token is
 * live; otherwise a tiny HTML 404.
 */
final class SetupPage implements Handler {
    private final Accounts accounts;
    private final Clock clock;

    SetupPage(Accounts accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        boolean open;
        try {
            open = accounts.userCount() == 0 && accounts.setupTokenActive(clock.instant());
        } catch (StoreException e) {
            open = false;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .header(HeaderNames.CACHE_CONTROL, "no-store");
        if (!open) {
            res.status(Status.NOT_FOUND_404).send("<!doctype html><title>Not found</title><p>Not found.</p>"
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        res.send(PAGE.getBytes(StandardCharsets.UTF_8));
    }

    private static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>z4j brain: first admin</title>
            <meta name="viewport" content="width=device-width,initial-scale=1">
            <style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
            label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}
            button{margin-top:1rem;padding:.5rem 1rem}#msg{margin-top:1rem}.err{color:#b3261e}.ok{color:#176f2c}</style>
            </head><body>
            <h1>Create the first admin</h1>
            <p>This brain has no operator account yet. The link you opened carries a one-time setup token.</p>
            <form id="f">
            <label for="email">Email</label><input id="email" type="email" required autocomplete="username">
            <label for="name">Display name (optional)</label><input id="name" type="text" maxlength="200">
            <label for="pw">Password (at least 12 characters; shorter than 16 needs 3 of lower, upper, digit, symbol)</label>
            <input id="pw" type="password" required minlength="8" autocomplete="new-password">
            <button type="submit">Create admin</button>
            </form>
            <div id="msg"></div>
            <script>
            const token = new URLSearchParams(location.search).get("token") || "";
            const msg = document.getElementById("msg");
            if (!token) { msg.className = "err"; msg.textContent = "The link has no ?token= : use the one printed at start."; }
            document.getElementById("f").addEventListener("submit", async (e) => {
              e.preventDefault();
              msg.className = ""; msg.textContent = "Creating...";
              const body = {token, email: document.getElementById("email").value,
                            display_name: document.getElementById("name").value || null,
                            password: document.getElementById("pw").value};
              try {
                const r = await fetch("/api/v1/setup/complete", {method: "POST", credentials: "include",
                  headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
                const j = await r.json().catch(() => ({}));
                if (r.ok) { msg.className = "ok"; msg.textContent = "Done: you are signed in."; setTimeout(() => location.href = "/", 800); }
                else { msg.className = "err"; msg.textContent = (j.message || ("failed (" + r.status + ")")); }
              } catch (err) { msg.className = "err"; msg.textContent = "network error: " + err; }
            });
            </script>
            </body></html>
            """;
}
