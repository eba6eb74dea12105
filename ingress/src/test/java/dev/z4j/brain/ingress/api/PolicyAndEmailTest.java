package dev.z4j.brain.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PolicyAndEmailTest {
    private final PasswordPolicy policy = new PasswordPolicy(12);

    @Test
    void passwordPolicy() {
        assertThat(policy.problem("Short1!")).contains("at least 12");
        assertThat(policy.problem("alllowercase1")).contains("3 of");
        assertThat(policy.problem("Mixed-Case-12")).isNull();
        assertThat(policy.problem("a long passphrase without classes")).isNull(); // 16+ characters need no mix
        assertThat(policy.problem("Password123!")).contains("common");
        assertThat(policy.problem("x".repeat(257))).contains("at most 256");
        assertThat(policy.problem(null)).isEqualTo("is required");
    }

    @Test
    void emailsAreNormalised() {
        assertThat(Emails.normalise("  Ops@Example.COM ")).isEqualTo("ops@example.com");
        assertThat(Emails.normalise("admin@z4j.local")).isEqualTo("admin@z4j.local");
        assertThat(Emails.normalise("user@bücher.de")).isEqualTo("user@xn--bcher-kva.de");
        assertThat(Emails.normalise("ＡＢＣ@example.com")).isEqualTo("abc@example.com"); // NFKC
        assertThat(Emails.normalise("no-at-sign")).isNull();
        assertThat(Emails.normalise("a@b")).isNull();
        assertThat(Emails.normalise("a@@b.com")).isNull();
        assertThat(Emails.normalise("a b@c.com")).isNull();
    }
}
