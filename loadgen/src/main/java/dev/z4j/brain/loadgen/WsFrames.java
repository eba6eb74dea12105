package dev.z4j.brain.loadgen;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * RFC 6455 framing for a client: every frame we write is masked (a server must refuse unmasked
 * client frames), and the {@link Decoder} turns whatever bytes a read returned into whole server
 * frames, keeping a partial frame for the next read. No extensions (no permessage-deflate).
 */
final class WsFrames {
    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;

    private WsFrames() {}

    /** One final, masked frame carrying {@code payload}. */
    static byte[] clientFrame(int opcode, byte[] payload, RandomGenerator random) {
        int n = payload.length;
        int header = 2 + (n < 126 ? 0 : n <= 0xFFFF ? 2 : 8) + 4;
        byte[] out = new byte[header + n];
        int i = 0;
        out[i++] = (byte) (0x80 | opcode);
        if (n < 126) {
            out[i++] = (byte) (0x80 | n);
        } else if (n <= 0xFFFF) {
            out[i++] = (byte) (0x80 | 126);
            out[i++] = (byte) (n >>> 8);
            out[i++] = (byte) n;
        } else {
            out[i++] = (byte) (0x80 | 127);
            long len = n;
            for (int s = 56; s >= 0; s -= 8) {
                out[i++] = (byte) (len >>> s);
            }
        }
        int mask = random.nextInt();
        byte[] key = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
        System.arraycopy(key, 0, out, i, 4);
        i += 4;
        for (int k = 0; k < n; k++) {
            out[i + k] = (byte) (payload[k] ^ key[k & 3]);
        }
        return out;
    }

    /** Close frame payload: two-byte code then the UTF-8 reason. */
    static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] p = new byte[2 + Math.min(r.length, 123)];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, p.length - 2);
        return p;
    }

    /** A whole frame from the server (control frames) or a whole message (data frames reassembled). */
    record Inbound(int opcode, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        String closeReason() {
            return payload.length > 2
                    ? new String(payload, 2, payload.length - 2, java.nio.charset.StandardCharsets.UTF_8) : "";
        }
    }

    /** The peer broke the framing rules; the connection must be failed with {@code closeCode}. */
    static final class FramingException extends Exception {
        final int closeCode;

        FramingException(int closeCode, String message) {
            super(message);
            this.closeCode = closeCode;
        }
    }

    /**
     * Incremental decoder of server frames. Data frames are reassembled into messages (a
     * continuation needs a started message); control frames come out as they arrive, even between
     * fragments, as RFC 6455 allows.
     */
    static final class Decoder {
        private final int maxMessageBytes;
        private ByteBuffer pending = ByteBuffer.allocate(0);
        private final ByteArrayOutputStream fragments = new ByteArrayOutputStream();
        private int fragmentedOpcode = -1;

        Decoder(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
        }

        /** Appends {@code data} and moves every complete frame/message into {@code out}. */
        void feed(ByteBuffer data, List<Inbound> out) throws FramingException {
            if (pending.hasRemaining()) {
                ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + data.remaining());
                joined.put(pending).put(data).flip();
                pending = joined;
            } else {
                pending = ByteBuffer.allocate(data.remaining()).put(data).flip();
            }
            while (true) {
                int start = pending.position();
                if (pending.remaining() < 2) {
                    break;
                }
                int b0 = pending.get() & 0xFF;
                int b1 = pending.get() & 0xFF;
                boolean fin = (b0 & 0x80) != 0;
                if ((b0 & 0x70) != 0) {
                    throw new FramingException(1002, "reserved bits set without a negotiated extension");
                }
                int opcode = b0 & 0x0F;
                if ((b1 & 0x80) != 0) {
                    throw new FramingException(1002, "masked frame from the server");
                }
                long len = b1 & 0x7F;
                if (len == 126) {
                    if (pending.remaining() < 2) {
                        pending.position(start);
                        break;
                    }
                    len = pending.getShort() & 0xFFFF;
                } else if (len == 127) {
                    if (pending.remaining() < 8) {
                        pending.position(start);
                        break;
                    }
                    len = pending.getLong();
                }
                if (len < 0 || len > maxMessageBytes) {
                    throw new FramingException(1009, "frame of " + len + " bytes over " + maxMessageBytes);
                }
                if (pending.remaining() < len) {
                    pending.position(start);
                    break;
                }
                byte[] payload = new byte[(int) len];
                pending.get(payload);
                accept(fin, opcode, payload, out);
            }
            pending = pending.slice(); // keep only the unparsed tail
        }

        private void accept(boolean fin, int opcode, byte[] payload, List<Inbound> out) throws FramingException {
            if (opcode >= 0x8) {
                if (!fin || payload.length > 125) {
                    throw new FramingException(1002, "fragmented or oversized control frame");
                }
                out.add(new Inbound(opcode, payload));
                return;
            }
            if (opcode == OP_CONTINUATION) {
                if (fragmentedOpcode < 0) {
                    throw new FramingException(1002, "continuation frame without a started message");
                }
            } else if (opcode == OP_TEXT || opcode == OP_BINARY) {
                if (fragmentedOpcode >= 0) {
                    throw new FramingException(1002, "new data frame inside a fragmented message");
                }
                if (fin) {
                    out.add(new Inbound(opcode, payload));
                    return;
                }
                fragmentedOpcode = opcode;
            } else {
                throw new FramingException(1002, "unknown opcode " + opcode);
            }
            if (fragments.size() + payload.length > maxMessageBytes) {
                throw new FramingException(1009, "message over " + maxMessageBytes + " bytes");
            }
            fragments.writeBytes(payload);
            if (fin) {
                out.add(new Inbound(fragmentedOpcode, fragments.toByteArray()));
                fragments.reset();
                fragmentedOpcode = -1;
            }
        }
    }
}
