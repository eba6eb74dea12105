package dev.z4j.brain.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** argon2id PHC hashes that move between the original brain (argon2-cffi) and this one. */
class PasswordsTest {
    private static final Passwords CHEAP = new Passwords(new Passwords.Params(1, 1024, 1));

    @Test
    void hashesMadeByArgon2CffiVerify() {
        // Made with argon2-cffi PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, hash_len=32, salt_len=16).
        String cffi = "$argon2id$v=19$m=65536,t=3,p=4$9JB2NBN8VmbaBODw78OdJQ$miHyDPzNzl79GBcXxyY+UQy6Grnn7i9Sx/NpXivmOgU";
        assertThat(CHEAP.verify("Zürich-Passwort 7!", cffi)).isTrue();
        assertThat(CHEAP.verify("Zurich-Passwort 7!", cffi)).isFalse();
        // argon2-cffi's own documentation example
        assertThat(CHEAP.verify("correct horse battery staple",
                "$argon2id$v=19$m=65536,t=3,p=4$MIIRqgvgQbgj220jfp0MPA$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg")).isTrue();
    }

    @Test
    void defaultParametersAreArgon2CffisAndRoundTrip() {
        Passwords defaults = new Passwords(Passwords.Params.DEFAULT);
        String h = defaults.hash("s3cret-Password");
        assertThat(h).matches("\\$argon2id\\$v=19\\$m=65536,t=3,p=4\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(defaults.verify("s3cret-Password", h)).isTrue();
        assertThat(defaults.verify("s3cret-password", h)).isFalse();
        assertThat(defaults.needsRehash(h)).isFalse();
        assertThat(CHEAP.needsRehash(h)).isTrue();
    }

    @Test
    void sameSaltNeverRepeatsAndGarbageNeverMatches() {
        assertThat(CHEAP.hash("x")).isNotEqualTo(CHEAP.hash("x"));
        assertThat(CHEAP.verify("x", "not a hash")).isFalse();
        assertThat(CHEAP.verify("x", null)).isFalse();
        assertThat(CHEAP.verify("x", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA")).isFalse();
    }
}
