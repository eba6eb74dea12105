package dev.z4j.brain.loadgen;

import java.util.List;

/** The simulated agents' numbers summed over the fleet. */
record AgentTotals(long emitted, long confirmed, long buffered, long framesSent, long copies, long acksProcessed,
                   long writeSuspensions, long sessions, int connected) {

    static AgentTotals of(List<AsyncioAgentStats.Snapshot> agents) {
        long emitted = 0;
        long confirmed = 0;
        long buffered = 0;
        long frames = 0;
        long copies = 0;
        long acks = 0;
        long suspensions = 0;
        long sessions = 0;
        int connected = 0;
        for (AsyncioAgentStats.Snapshot a : agents) {
            emitted += a.emitted();
            confirmed += a.confirmed();
            buffered += a.buffered();
            frames += a.framesSent();
            copies += a.copies();
            acks += a.acksProcessed();
            suspensions += a.writeSuspensions();
            sessions += a.sessions();
            connected += a.connected() ? 1 : 0;
        }
        return new AgentTotals(emitted, confirmed, buffered, frames, copies, acks, suspensions, sessions, connected);
    }
}
