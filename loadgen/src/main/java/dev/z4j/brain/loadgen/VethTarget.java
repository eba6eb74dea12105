package dev.z4j.brain.loadgen;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The one exception to "loopback targets only" ({@code --veth-target IFNAME}), for the capacity
 * tool's 1500-MTU step: loopback's 64 KB segments make Linux grow an agent's send buffer to 4 MB,
 * which changes how the modelled agents behave, so that step needs a link with Ethernet's MTU that
 * still never leaves this machine. The capacity tool builds one (bench VethLink): a network
 * namespace holding only {@code lo} and one end of a veth pair, no default route; loadgen runs
 * inside it and the brain listens on the pair's other end.
 *
 * <p>The rule's intent is that a load test can only ever hit this machine. So the target is
 * accepted only if, seen from the namespace loadgen runs in, it cannot be anything else:
 * <ul>
 *   <li>IFNAME is named {@code z4j...} (the names the capacity tool gives its links) and is a veth,
 *       whose peer is by construction another interface of this same kernel;
 *   <li>the namespace has no other interface than {@code lo} and IFNAME, and no IPv4 route except
 *       through them, none of them a default route;
 *   <li>IFNAME holds an IPv4 /30 or /31 and the target is the other host address of it (the peer).
 * </ul>
 * Anything else is refused with the reason, before a connection is made.
 */
final class VethTarget {
    private static final Pattern VETH_KIND = Pattern.compile("\\\\\\s+veth\\s");

    /** One interface of the namespace, as far as the check needs it. */
    record Link(String name, boolean veth, List<Prefix> ipv4) {}

    /** An IPv4 address on an interface, with its prefix length. */
    record Prefix(InetAddress address, int length) {}

    /** An IPv4 route of the namespace (/proc/net/route): its interface and whether it is a default route. */
    record Route(String device, boolean isDefault) {}

    /** What the namespace loadgen runs in looks like. */
    record View(List<Link> links, List<Route> routes) {}

    private VethTarget() {}

    /** Reads this process's namespace and checks {@code host} against it; returns the target address. */
    static InetAddress require(String host, String ifname, String option) {
        View view;
        try {
            view = read(ifname);
        } catch (IOException e) {
            throw new OptionsException(option + ": cannot inspect this network namespace: " + e.getMessage());
        }
        return check(host, ifname, view, option);
    }

    /** The decision, from a view of the namespace (pure, so every refusal can be tested). */
    static InetAddress check(String host, String ifname, View view, String option) {
        String refuse = option + ": refusing target host '" + host + "' over " + ifname + ": ";
        if (!ifname.matches("z4j[A-Za-z0-9]{1,12}")) {
            throw new OptionsException(refuse + "only links the capacity tool creates (named z4j...) are allowed");
        }
        Link link = view.links().stream().filter(l -> l.name().equals(ifname)).findFirst().orElse(null);
        if (link == null) {
            throw new OptionsException(refuse + "no interface " + ifname + " in this network namespace");
        }
        if (!link.veth()) {
            throw new OptionsException(refuse + ifname + " is not a veth (its peer must be on this machine)");
        }
        for (Link l : view.links()) {
            if (!l.name().equals("lo") && !l.name().equals(ifname)) {
                throw new OptionsException(refuse + "this namespace also has interface " + l.name()
                        + "; run loadgen in a namespace holding only lo and " + ifname);
            }
        }
        for (Route r : view.routes()) {
            if (r.isDefault()) {
                throw new OptionsException(refuse + "this namespace has a default route (via " + r.device() + ")");
            }
            if (!r.device().equals("lo") && !r.device().equals(ifname)) {
                throw new OptionsException(refuse + "this namespace routes through " + r.device());
            }
        }
        InetAddress target = ipv4Literal(host);
        if (target == null) {
            throw new OptionsException(refuse + "the target must be an IPv4 address literal");
        }
        for (Prefix p : link.ipv4()) {
            if (p.length() < 30) {
                continue;
            }
            int mask = -1 << (32 - p.length());
            int own = toInt(p.address());
            int t = toInt(target);
            boolean sameLink = (own & mask) == (t & mask);
            boolean hostAddress = p.length() == 31 || ((t & ~mask) != 0 && (t & ~mask) != ~mask);
            if (sameLink && t != own && hostAddress) {
                return target;
            }
        }
        throw new OptionsException(refuse + "it is not the other end of a /30 or /31 on " + ifname);
    }

    private static View read(String ifname) throws IOException {
        List<Link> links = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            List<Prefix> v4 = new ArrayList<>();
            for (InterfaceAddress a : ni.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address) {
                    v4.add(new Prefix(a.getAddress(), a.getNetworkPrefixLength()));
                }
            }
            links.add(new Link(ni.getName(), ni.getName().equals(ifname) && isVeth(ifname), v4));
        }
        List<Route> routes = new ArrayList<>();
        List<String> lines = Files.readAllLines(Path.of("/proc/net/route"));
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 8) {
                routes.add(new Route(f[0], f[1].equals("00000000") && f[7].equals("00000000")));
            }
        }
        return new View(links, routes);
    }

    /** iproute2 names the link kind ({@code ip -d -o link show dev X} prints "veth" after its attributes). */
    private static boolean isVeth(String ifname) throws IOException {
        Process p = new ProcessBuilder("ip", "-d", "-o", "link", "show", "dev", ifname).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && VETH_KIND.matcher(out).find();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking ip about " + ifname);
        }
    }

    private static InetAddress ipv4Literal(String host) {
        if (host == null || !host.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            return null;
        }
        for (String part : host.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return null;
            }
        }
        try {
            return InetAddress.getByName(host); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static int toInt(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
}
