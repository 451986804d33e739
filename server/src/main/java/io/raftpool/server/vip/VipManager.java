package io.raftpool.server.vip;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.VipSettings;
import io.raftpool.proto.Command;
import io.raftpool.proto.SetVip;
import io.raftpool.server.time.Clocks;
import io.raftpool.server.raft.MajorityContact;
import io.raftpool.server.shell.Shell;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual IP follows Raft leadership (S5). The leader brings it up only after waiting out
 * the window in which an old leader may still hold it: an old leader drops it as soon as it
 * cannot confirm its contact with the majority for {@link #dropAfterMs}, so a new leader waits
 * that long, plus a margin, after it became leader. The holder is committed in the state.
 */
public final class VipManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VipManager.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final long CHECK_MS = 50;

    /** What the VIP's next step is, from what the agent knows now. Pure. */
    public enum Step { NOTHING, BRING_UP, BRING_DOWN }

    public static Step decide(boolean leader, boolean holding, long contactAgeMs, long dropAfterMs, long nowMs,
                              long upNotBeforeMs) {
        boolean confirmed = contactAgeMs >= 0 && contactAgeMs < dropAfterMs;
        if (holding && (!leader || !confirmed)) {
            return Step.BRING_DOWN;
        }
        // Up again only with contact well inside the bound: a leader starved of CPU near the bound
        // would otherwise flap the address down and up every few hundred milliseconds.
        boolean clearlyConfirmed = contactAgeMs >= 0 && contactAgeMs < dropAfterMs / 2;
        if (!holding && leader && clearlyConfirmed && nowMs >= upNotBeforeMs) {
            return Step.BRING_UP;
        }
        return Step.NOTHING;
    }

    private final VipSettings vip;
    private final int nodeId;
    private final MajorityContact contact;
    private final BooleanSupplier isLeader;
    private final LongSupplier term;
    private final Function<Command, CompletableFuture<Long>> submit;
    private final Clocks clocks;
    private final long dropAfterMs;
    private final long waitAfterElectionMs;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vip");
        t.setDaemon(true);
        return t;
    });
    // The announcement runs apart from the loop: a gratuitous ARP takes about a second (Debian's
    // arping waits for replies that never come), and the loop must stay free to drop the VIP
    // within its window (S5) in the meantime.
    private final ExecutorService announcer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vip-arping");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean holding;
    private volatile long upNotBeforeMs = Long.MAX_VALUE;
    private volatile long heldTerm = -1;

    public VipManager(ClusterConfig config, VipSettings vip, int nodeId, MajorityContact contact, BooleanSupplier isLeader,
                      LongSupplier term, Function<Command, CompletableFuture<Long>> submit, Clocks clocks) {
        this.vip = vip;
        this.nodeId = nodeId;
        this.contact = contact;
        this.isLeader = isLeader;
        this.term = term;
        this.submit = submit;
        this.clocks = clocks;
        this.dropAfterMs = config.raft().electionTimeoutMax().toMillis();
        this.waitAfterElectionMs = waitAfterElectionMs(config.raft().electionTimeoutMin().toMillis(), dropAfterMs);
    }

    /**
     * How long a new leader waits before it brings the VIP up. An old leader cut off from the
     * majority drops it when its contact is older than {@code electionMax}, or when Ratis steps
     * it down, whichever comes first. The contact alone is not enough: a leader's linearizable
     * read needs no new heartbeat round when nothing was committed since its last one (Ratis
     * 3.2 ReadIndexHeartbeats), so a cut-off leader of an idle cluster keeps "confirming" its
     * contact until it steps down, which Ratis does up to two election timeouts (max) after a
     * majority last answered (it checks every electionMax). Followers elect someone at least
     * electionMin after they last heard from it. Measured in VipIT: the old leader dropped the
     * VIP 0.85 to 1.1 s after being cut off, by the step-down.
     */
    static long waitAfterElectionMs(long electionMinMs, long electionMaxMs) {
        long oldLeaderGoneMs = Math.max(electionMaxMs, 2 * electionMaxMs - electionMinMs);
        return oldLeaderGoneMs + 2 * CHECK_MS + 200;
    }

    public void start() {
        // An agent that starts holds nothing; a VIP left behind by a crashed run of it must go.
        release("agent start");
        loop.scheduleWithFixedDelay(this::check, CHECK_MS, CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /** This agent just became leader: the VIP may come up once an old holder surely dropped it. */
    public void leaderReady() {
        upNotBeforeMs = clocks.monoMs() + waitAfterElectionMs;
        checkSoon();
    }

    public void notLeader() {
        upNotBeforeMs = Long.MAX_VALUE;
        checkSoon();
    }

    private void checkSoon() {
        try {
            loop.execute(this::check);
        } catch (RejectedExecutionException e) {
            // closed: Ratis still calls back while the agent shuts down, and close() released the VIP
        }
    }

    public boolean holding() {
        return holding;
    }

    private void check() {
        try {
            Step step = decide(isLeader.getAsBoolean(), holding, contact.ageMs(), dropAfterMs, clocks.monoMs(), upNotBeforeMs);
            if (step == Step.BRING_DOWN) {
                release(isLeader.getAsBoolean() ? "no confirmed contact with the raft majority" : "no longer the raft leader");
            } else if (step == Step.BRING_UP) {
                bringUp();
            }
        } catch (RuntimeException e) {
            LOG.warn("VIP check failed: {}", e.toString());
        }
    }

    private void bringUp() {
        Shell.Result up = Shell.run(vip.render(vip.upCommand()), COMMAND_TIMEOUT, line -> LOG.debug("vip up: {}", line));
        if (!up.succeeded() && !up.tail().contains("File exists")) {
            LOG.warn("cannot bring VIP {} up (exit {}): {}", vip.address(), up.exitCode(), up.tail());
            return;
        }
        holding = true;
        heldTerm = term.getAsLong();
        LOG.info("VIP {}/{} is up on {} (term {})", vip.address(), vip.prefix(), vip.networkInterface(), heldTerm);
        announcer.execute(this::announce);
        submit.apply(Command.newBuilder().setIssuedMs(clocks.wallMs()).setIssuer(nodeId)
                .setSetVip(SetVip.newBuilder().setNodeId(nodeId).setAddress(vip.address()).setTerm(heldTerm)).build());
    }

    private void announce() {
        Shell.Result arp = Shell.run(vip.render(vip.arpingCommand()), COMMAND_TIMEOUT, line -> LOG.debug("arping: {}", line));
        if (!arp.succeeded()) {
            LOG.warn("gratuitous ARP for {} failed (exit {}): {}", vip.address(), arp.exitCode(), arp.tail());
        }
    }

    private void release(String why) {
        Shell.Result down = Shell.run(vip.render(vip.downCommand()), COMMAND_TIMEOUT, line -> LOG.debug("vip down: {}", line));
        boolean absent = down.tail().contains("Cannot assign requested address") || down.tail().contains("not found");
        if (!down.succeeded() && !absent) {
            LOG.warn("cannot bring VIP {} down (exit {}): {}", vip.address(), down.exitCode(), down.tail());
            return;
        }
        if (holding) {
            LOG.info("VIP {} is down on this node: {}", vip.address(), why);
            long released = heldTerm;
            submit.apply(Command.newBuilder().setIssuedMs(clocks.wallMs()).setIssuer(nodeId)
                    .setSetVip(SetVip.newBuilder().setNodeId(-1).setAddress(vip.address()).setTerm(released)).build());
        }
        holding = false;
    }

    @Override
    public void close() {
        loop.shutdownNow();
        announcer.shutdownNow();
        try {
            // A check still running may be bringing the VIP up right now; let it finish, so that
            // the release below cannot come before the address is added.
            loop.awaitTermination(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release("agent shutdown");
    }
}
