package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class VethTargetTest {
    private static VethTarget.Prefix v4(String a, int len) throws Exception {
        return new VethTarget.Prefix(InetAddress.getByName(a), len);
    }

    /** The namespace the capacity tool builds: lo and one veth end with a /30, no default route. */
    private static VethTarget.View toolNamespace() throws Exception {
        return new VethTarget.View(
                List.of(new VethTarget.Link("lo", false, List.of(v4("127.0.0.1", 8))),
                        new VethTarget.Link("z4jc123n", true, List.of(v4("10.254.3.6", 30)))),
                List.of(new VethTarget.Route("z4jc123n", false)));
    }

    private static void refused(String host, String ifname, VethTarget.View view, String why) {
        assertThatThrownBy(() -> VethTarget.check(host, ifname, view, "--veth-target"))
                .isInstanceOf(OptionsException.class)
                .hasMessageStartingWith("--veth-target: refusing target host '" + host + "'")
                .hasMessageContaining(why);
    }

    @Test
    void acceptsThePeerOfTheToolsVethInANamespaceThatRoutesNowhereElse() throws Exception {
        assertThat(VethTarget.check("10.254.3.5", "z4jc123n", toolNamespace(), "--veth-target").getHostAddress())
                .isEqualTo("10.254.3.5");
    }

    @Test
    void refusesAnythingButThePeerAddress() throws Exception {
        refused("10.254.3.6", "z4jc123n", toolNamespace(), "not the other end"); // its own address
        refused("10.254.3.4", "z4jc123n", toolNamespace(), "not the other end"); // network address
        refused("10.254.3.7", "z4jc123n", toolNamespace(), "not the other end"); // broadcast
        refused("10.254.3.9", "z4jc123n", toolNamespace(), "not the other end");
        refused("8.8.8.8", "z4jc123n", toolNamespace(), "not the other end");
        refused("brain.example.com", "z4jc123n", toolNamespace(), "IPv4 address literal");
    }

    @Test
    void refusesLinksTheToolDidNotCreate() throws Exception {
        refused("10.254.3.5", "eth0", toolNamespace(), "only links the capacity tool creates");
        refused("10.254.3.5", "z4jother", toolNamespace(), "no interface z4jother");
        VethTarget.View notVeth = new VethTarget.View(
                List.of(new VethTarget.Link("z4jc123n", false, List.of(v4("10.254.3.6", 30)))), List.of());
        refused("10.254.3.5", "z4jc123n", notVeth, "is not a veth");
    }

    @Test
    void refusesANamespaceThatCouldReachOtherMachines() throws Exception {
        VethTarget.View withEth = new VethTarget.View(
                List.of(new VethTarget.Link("lo", false, List.of()),
                        new VethTarget.Link("z4jc123n", true, List.of(v4("10.254.3.6", 30))),
                        new VethTarget.Link("eth0", false, List.of(v4("192.0.2.10", 24)))),
                List.of());
        refused("10.254.3.5", "z4jc123n", withEth, "also has interface eth0");

        VethTarget.View defaultRoute = new VethTarget.View(toolNamespace().links(),
                List.of(new VethTarget.Route("z4jc123n", false), new VethTarget.Route("z4jc123n", true)));
        refused("10.254.3.5", "z4jc123n", defaultRoute, "default route");

        VethTarget.View wideSubnet = new VethTarget.View(
                List.of(new VethTarget.Link("z4jc123n", true, List.of(v4("10.254.3.6", 24)))), List.of());
        refused("10.254.3.5", "z4jc123n", wideSubnet, "not the other end of a /30 or /31");
    }

    @Test
    void theOptionIsCheckedAgainstTheRealNamespaceBeforeAnyConnection() {
        // This test's namespace has no interface of that name, so the exception must not open a path.
        assertThatThrownBy(() -> Options.parse("--url", "ws://10.254.3.5:7700", "--admin-key", "k",
                "--veth-target", "z4jnosuchlnk"))
                .isInstanceOf(OptionsException.class)
                .hasMessageStartingWith("--veth-target: ");
        // and without the flag the loopback rule stands as before
        assertThatThrownBy(() -> Options.parse("--url", "ws://10.254.3.5:7700", "--admin-key", "k"))
                .hasMessageContaining("only loopback targets");
    }
}
