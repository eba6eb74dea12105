package dev.z4j.brain.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WsFramesTest {
    private final SplittableRandom random = new SplittableRandom(7);

    private static byte[] payload(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 31);
        }
        return p;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 125, 126, 65535, 65536, 200_000})
    void clientFramesAreMaskedWithTheRightLengthEncodingAndUnmaskBackToThePayload(int n) {
        byte[] p = payload(n);
        byte[] f = WsFrames.clientFrame(WsFrames.OP_BINARY, p, random);
        assertThat(f[0] & 0xFF).isEqualTo(0x82); // FIN + binary
        assertThat(f[1] & 0x80).as("mask bit").isEqualTo(0x80);
        int len7 = f[1] & 0x7F;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        assertThat(len7).isEqualTo(n < 126 ? n : n <= 0xFFFF ? 126 : 127);
        assertThat(f).hasSize(header + 4 + n);
        byte[] mask = {f[header], f[header + 1], f[header + 2], f[header + 3]};
        byte[] back = new byte[n];
        for (int i = 0; i < n; i++) {
            back[i] = (byte) (f[header + 4 + i] ^ mask[i & 3]);
        }
        assertThat(back).isEqualTo(p);
    }

    @Test
    void decoderReassemblesFramesSplitAcrossReadsAndFragmentedMessagesAroundAPing() throws Exception {
        byte[] big = payload(70_000);
        byte[] one = FakeBrain.serverFrame(big);
        byte[] fragStart = {0x02, 3, 'a', 'b', 'c'};           // binary, not final
        byte[] ping = {(byte) 0x89, 2, 'h', 'i'};                // a control frame between fragments
        byte[] fragEnd = {(byte) 0x80, 2, 'd', 'e'};             // final continuation
        ByteBuffer all = ByteBuffer.allocate(one.length + fragStart.length + ping.length + fragEnd.length)
                .put(one).put(fragStart).put(ping).put(fragEnd).flip();
        WsFrames.Decoder d = new WsFrames.Decoder(1 << 20);
        List<WsFrames.Inbound> out = new ArrayList<>();
        while (all.hasRemaining()) { // arbitrary read boundaries, as TCP gives them
            int n = Math.min(all.remaining(), 1 + random.nextInt(9000));
            ByteBuffer chunk = all.slice(all.position(), n);
            all.position(all.position() + n);
            d.feed(chunk, out);
        }
        assertThat(out).hasSize(3);
        assertThat(out.get(0).opcode()).isEqualTo(WsFrames.OP_BINARY);
        assertThat(out.get(0).payload()).isEqualTo(big);
        assertThat(out.get(1).opcode()).isEqualTo(WsFrames.OP_PING);
        assertThat(new String(out.get(1).payload())).isEqualTo("hi");
        assertThat(out.get(2).opcode()).isEqualTo(WsFrames.OP_BINARY);
        assertThat(new String(out.get(2).payload())).isEqualTo("abcde");
    }

    @Test
    void closeFrameCarriesCodeAndReason() throws Exception {
        byte[] p = WsFrames.closePayload(4403, "gone");
        byte[] f = new byte[2 + p.length];
        f[0] = (byte) 0x88;
        f[1] = (byte) p.length;
        System.arraycopy(p, 0, f, 2, p.length);
        List<WsFrames.Inbound> out = new ArrayList<>();
        new WsFrames.Decoder(1024).feed(ByteBuffer.wrap(f), out);
        assertThat(out.get(0).closeCode()).isEqualTo(4403);
        assertThat(out.get(0).closeReason()).isEqualTo("gone");
    }

    @Test
    void aMaskedServerFrameAnOversizedMessageAndAStrayContinuationAreRefused() {
        List<WsFrames.Inbound> out = new ArrayList<>();
        assertThatThrownBy(() -> new WsFrames.Decoder(1024).feed(ByteBuffer.wrap(new byte[] {(byte) 0x82, (byte) 0x81,
                1, 2, 3, 4, 5}), out)).isInstanceOfSatisfying(WsFrames.FramingException.class,
                e -> assertThat(e.closeCode).isEqualTo(1002));
        assertThatThrownBy(() -> new WsFrames.Decoder(100).feed(ByteBuffer.wrap(FakeBrain.serverFrame(payload(101))),
                out)).isInstanceOfSatisfying(WsFrames.FramingException.class,
                e -> assertThat(e.closeCode).isEqualTo(1009));
        assertThatThrownBy(() -> new WsFrames.Decoder(100).feed(ByteBuffer.wrap(new byte[] {(byte) 0x80, 0}), out))
                .isInstanceOfSatisfying(WsFrames.FramingException.class, e -> assertThat(e.closeCode).isEqualTo(1002));
    }
}
