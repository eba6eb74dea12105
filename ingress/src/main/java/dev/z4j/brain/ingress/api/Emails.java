package dev.z4j.brain.ingress.api;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Email addresses as accounts are keyed: NFKC, trimmed, lower-cased, the domain in IDNA ASCII form.
 * Reserved names such as {@code .local} or {@code .test} are accepted (internal deployments use them).
 */
public final class Emails {
    private Emails() {}

    /** The normalised address, or null when it is not a plausible address. */
    public static String normalise(String raw) {
        if (raw == null) {
            return null;
        }
        String s = Normalizer.normalize(raw, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1 || s.indexOf('@') != at || s.length() > 320) {
            return null;
        }
        String local = s.substring(0, at);
        String domain;
        try {
            domain = IDN.toASCII(s.substring(at + 1), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (local.length() > 64 || local.chars().anyMatch(c -> c <= ' ' || c == '"' || c == ',' || c == '<' || c == '>')
                || !domain.matches("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+")) {
            return null;
        }
        return local + "@" + domain;
    }
}
