package dev.z4j.brain.loadgen;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The load generator only ever targets this machine: 127.0.0.0/8, {@code localhost} or {@code ::1}.
 * Decided from the text alone (no DNS), so a name that merely resolves to loopback is refused too.
 */
final class Loopback {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private Loopback() {}

    /** True for {@code localhost}, {@code ::1} (bracketed or not) and any 127.x.y.z literal. */
    static boolean isLoopbackHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost")) {
            return true;
        }
        if (h.contains(":")) {
            return h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
        }
        var m = IPV4.matcher(h);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return Integer.parseInt(m.group(1)) == 127;
    }

    /** Throws, naming the option, unless the URL's host is loopback. */
    static void requireLoopbackUrl(URI url, String option) {
        if (!isLoopbackHost(url.getHost())) {
            throw new OptionsException(option + ": refusing target host '" + url.getHost()
                    + "': only loopback targets are allowed (127.0.0.0/8, localhost, ::1)");
        }
    }

    /** Parses a loopback address literal (for --source-addresses). */
    static InetAddress requireLoopbackAddress(String text, String option) {
        if (!isLoopbackHost(text) || text.equalsIgnoreCase("localhost")) {
            throw new OptionsException(option + ": '" + text
                    + "' is not a loopback address literal (127.0.0.0/8 or ::1)");
        }
        try {
            String t = text.startsWith("[") ? text.substring(1, text.length() - 1) : text;
            return InetAddress.getByName(t); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new OptionsException(option + ": '" + text + "' is not an address");
        }
    }
}
