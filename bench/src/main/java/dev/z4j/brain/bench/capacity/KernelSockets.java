package dev.z4j.brain.bench.capacity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Kernel memory of TCP sockets, machine-wide (outside any process's RSS): buffer pages from
 * /proc/net/sockstat and the socket objects themselves from /proc/slabinfo (root only). On
 * loopback both ends of every connection are on this machine, so a delta counts two sockets per
 * connection: the brain's and the load generator's.
 *
 * @param buffersKib TCP send/receive buffer memory in use ("mem" pages of sockstat)
 * @param slabKib    TCP socket objects: the TCP, sock_inode_cache and tcp_bind_bucket slabs (0 if unreadable)
 */
record KernelSockets(long tcpInUse, long buffersKib, long slabKib) {
    static KernelSockets read() throws IOException {
        long inuse = 0;
        long memPages = 0;
        for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"))) {
            if (line.startsWith("TCP:")) {
                String[] f = line.split("\\s+");
                for (int i = 1; i + 1 < f.length; i += 2) {
                    if (f[i].equals("inuse")) {
                        inuse = Long.parseLong(f[i + 1]);
                    } else if (f[i].equals("mem")) {
                        memPages = Long.parseLong(f[i + 1]);
                    }
                }
            }
        }
        long slabBytes = 0;
        Path slab = Path.of("/proc/slabinfo");
        if (Files.isReadable(slab)) {
            try {
                for (String line : Files.readAllLines(slab)) {
                    String[] f = line.split("\\s+");
                    if (f.length > 3 && List.of("TCP", "sock_inode_cache", "tcp_bind_bucket").contains(f[0])) {
                        slabBytes += Long.parseLong(f[1]) * Long.parseLong(f[3]); // active objects x object size
                    }
                }
            } catch (IOException | NumberFormatException e) {
                slabBytes = 0;
            }
        }
        return new KernelSockets(inuse, memPages * 4, slabBytes / 1024);
    }
}
