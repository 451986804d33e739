package io.raftpool.server.agent;

import io.grpc.Server;
import io.raftpool.api.AdminCredentials;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigLoader;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.RaftInfo;
import io.raftpool.proto.StateView;
import io.raftpool.proto.WatchdogInfo;
import io.raftpool.server.api.AdminActions;
import io.raftpool.server.api.AdminService;
import io.raftpool.server.api.AdminEndpoint;
import io.raftpool.server.console.AdminConsole;
import io.raftpool.server.security.ApiAccess;
import io.raftpool.server.security.AuthCounters;
import io.raftpool.server.security.NodeTls;
import io.raftpool.server.health.HealthMonitor;
import io.raftpool.server.health.ObserverView;
import io.raftpool.server.http.HealthCheckServer;
import io.raftpool.server.http.HealthChecks;
import io.raftpool.server.leader.LeaderDuties;
import io.raftpool.server.leader.MemberGrowthDuty;
import io.raftpool.server.local.LocalDuties;
import io.raftpool.server.metrics.AgentMetrics;
import io.raftpool.server.raft.AppliedState;
import io.raftpool.server.raft.MajorityContact;
import io.raftpool.server.raft.MemberStart;
import io.raftpool.server.raft.MemberStorage;
import io.raftpool.server.UnsafeSwitches;
import io.raftpool.server.raft.ClusterStateMachine;
import io.raftpool.server.raft.RaftNode;
import io.raftpool.server.raft.StateHub;
import io.raftpool.server.time.Clocks;
import io.raftpool.server.vip.VipManager;
import io.raftpool.server.watchdog.DeviceCheck;
import java.nio.file.Path;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raftpool agent: its Raft member, its eyes (health checks), its hands on the local
 * PostgreSQL (local duties), the leader duties it takes on when elected, and the admin API.
 * This class only wires them together and owns their lifecycle.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    static final long HEARTBEAT_PERIOD_MS = 200;

    private final ClusterConfig config;
    private final NodeConfig self;
    private final StateHub hub = new StateHub();
    private final RaftNode raft;
    private final MajorityContact contact;
    private final LeaderDuties leader;
    private final MemberGrowthDuty growth;
    private final HealthMonitor health;
    private final Optional<LocalDuties> local;
    private final Optional<VipManager> vip;
    private final AdminService adminService;
    private final AgentMetrics metrics;
    private final long startedWallMs;
    private final PeerAgents peers;
    private final Server adminServer;
    private final Optional<NodeTls> tls;
    private final ApiAccess access;
    private volatile AdminConsole console;
    private volatile HealthCheckServer healthChecks;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "agent-timers");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Runnable onFatal = () -> { };
    private volatile Runnable onRebuild = () -> { };
    private int closedChecks;
    private final Clocks clocks = Clocks.SYSTEM;
    private final FollowWatch followWatch;
    private final java.util.function.LongSupplier replayDelay;

    private Agent(ClusterConfig config, int nodeId) throws IOException {
        this.config = config;
        this.self = config.requireNode(nodeId);
        LeaderRelay relay = new LeaderRelay();
        ClusterStateMachine stateMachine = new ClusterStateMachine(relay);
        this.tls = NodeTls.load(config, nodeId);
        this.access = new ApiAccess(config.security());
        this.peers = new PeerAgents(config, tls.map(NodeTls::peerCredentials).orElse(AdminCredentials.plaintext()));
        MemberStart start = UnsafeSwitches.wipeRaftOnRestart() && MemberStorage.exists(config, nodeId)
                ? MemberStorage.wipeAsBrokenOnPurpose(config, nodeId) : MemberStartGate.await(config, self, peers, tls, access);
        this.raft = new RaftNode(config, nodeId, stateMachine, tls.map(NodeTls::raft), start);
        this.growth = new MemberGrowthDuty(raft, this::state, peers::raftInfos);
        this.contact = new MajorityContact(raft::heartbeat, System::nanoTime, 1000);
        this.followWatch = new FollowWatch(nodeId, raft, contact, clocks);
        PostgresAccess pg = new PostgresAccess(config, self);
        this.replayDelay = self.postgres().isPresent() ? new ReplayDelay(pg.localServer())::ms : () -> -1;
        this.startedWallMs = clocks.wallMs();
        this.metrics = new AgentMetrics(this::state, this::raftInfo, this::vipHeld, access.counters(), System::nanoTime,
                startedWallMs);
        this.leader = new LeaderDuties(config, nodeId, raft, this::state, pg, clocks::monoMs, clocks::wallMs);
        this.health = new HealthMonitor(config, nodeId, this::state, metrics.timed(pg::healthProbe), pg::localPostmasterRunning, raft::submit,
                clocks::wallMs);
        this.local = self.postgres().isPresent() ? Optional.of(localDuties(pg)) : Optional.empty();
        this.vip = config.vip().map(v -> new VipManager(config, v, nodeId, contact,
                () -> leader.isLeader() && raft.isLeaderReady(), raft::term, raft::submit, clocks));
        this.adminService = new AdminService(new View(), new AdminActions(nodeId, raft, hub, clocks::wallMs,
                new RebuildMembers(config, nodeId, peers, this::state, this::raftInfo, this::rebuildSoon),
                pg::settingSpecs, config.archive()));
        this.adminServer = AdminEndpoint.build(new InetSocketAddress(self.host(), self.adminPort()), adminService,
                tls, access);
        relay.bind(this);
    }

    private LocalDuties localDuties(PostgresAccess pg) {
        DeviceCheck.Result device = WatchdogDevices.check(config);
        Optional<Path> devicePath = device instanceof DeviceCheck.Use ? Optional.of(config.watchdog().device())
                : Optional.empty();
        long timeoutMs = device instanceof DeviceCheck.Use u ? u.timeoutMs() : 0;
        return new LocalDuties(config, self.id(), pg.localServer(), raft, hub, contact, health, clocks, devicePath,
                timeoutMs);
    }

    /** Starts an agent for {@code nodeId} of {@code config}; returns once it serves its API. */
    public static Agent start(ClusterConfig config, int nodeId) throws IOException {
        ConfigLoader.checkLocalNode(config, nodeId);
        if (!config.requireNode(nodeId).witness()) {
            WatchdogDevices.check(config); // refuse before anything starts
        }
        Agent agent = new Agent(config, nodeId);
        agent.startAll();
        return agent;
    }

    private void startAll() throws IOException {
        LOG.info("agent {} ({}) starting: raft {}, admin {}{}", self.id(), self.name(), self.raftAddress(),
                self.adminAddress(), self.witness() ? ", witness" : ", PostgreSQL on " + self.host() + ":"
                        + self.requirePostgres().port());
        hub.subscribe(new CommittedEventLog(startedWallMs));
        hub.subscribe(metrics.promotionCounter());
        if (self.metricsPort() > 0) {
            metrics.serve(self.host(), self.metricsPort(), self.id());
            LOG.info("agent {} serves metrics on http://{}:{}/metrics", self.id(), self.host(), self.metricsPort());
        }
        raft.start();
        adminServer.start();
        if (self.hasAdminConsole()) {
            console = AdminConsole.start(self.host(), self.adminSqlPort(), new ConsoleSource(), tls.map(NodeTls::console),
                    new AdminConsole.Login(access.required(), access::consolePassword));
        }
        if (self.healthPort() > 0) {
            healthChecks = HealthCheckServer.start(self.host(), self.healthPort(), self.id(), self.name(),
                    this::healthFacts);
        }
        leader.start();
        growth.start();
        health.start();
        local.ifPresent(LocalDuties::start);
        vip.ifPresent(VipManager::start);
        timers.scheduleWithFixedDelay(contact::beat, 0, HEARTBEAT_PERIOD_MS, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::checkRaftAlive, 1, 1, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(followWatch::check, 1, 1, TimeUnit.SECONDS);
    }

    /** Admin calls and console logins let in or refused by the token check (security.auth). */
    public AuthCounters authCounters() {
        return access.counters();
    }

    /** Called when this agent cannot go on (its Raft server closed itself): the supervisor restarts it. */
    public void onFatal(Runnable action) {
        this.onFatal = action;
    }

    /**
     * Called once this member has not followed the leader for {@code afterMs} (see
     * {@link FollowWatch}): the caller closes this agent and starts it again with the same storage.
     */
    public void onStuck(long afterMs, Runnable action) {
        followWatch.restartWhenStuck(afterMs, action);
    }

    /**
     * Called when an operator's rebuild-member has taken this member out of the voters and asks
     * it to rebuild: the caller closes this agent, sets its Raft storage aside and starts it again.
     */
    public void onRebuild(Runnable action) {
        this.onRebuild = action;
    }

    /** Once rebuild-member's reply has gone out. */
    private void rebuildSoon() {
        timers.schedule(() -> onRebuild.run(), 200, TimeUnit.MILLISECONDS);
    }

    private void checkRaftAlive() {
        closedChecks = raft.hasClosedItself() ? closedChecks + 1 : 0;
        if (closedChecks >= 2) {
            LOG.error("the raft server stopped (a long pause or a storage failure); this agent exits so that its"
                    + " supervisor restarts it");
            onFatal.run();
        }
    }

    public ClusterState state() {
        return hub.current().state();
    }

    public StateHub hub() {
        return hub;
    }

    public int nodeId() {
        return self.id();
    }

    public RaftNode raft() {
        return raft;
    }

    public boolean isLeader() {
        return leader.isLeader();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        LOG.info("agent {} stopping", self.id());
        timers.shutdownNow();
        vip.ifPresent(VipManager::close);
        local.ifPresent(l -> l.close(config.watchdog().restartWindow()));
        health.close();
        leader.close();
        growth.close();
        adminService.close();
        adminServer.shutdownNow();
        try {
            // an agent started again in this JVM (a resync) binds the same port
            adminServer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (healthChecks != null) {
            healthChecks.close();
        }
        if (console != null) {
            console.close();
        }
        peers.close();
        try {
            raft.close();
        } catch (IOException e) {
            LOG.warn("raft server did not close cleanly: {}", e.getMessage());
        }
        hub.close();
        metrics.close();
        stopped.countDown();
    }

    private RaftInfo raftInfo() {
        RaftInfo info = followWatch.raftInfo();
        return local.map(l -> info.toBuilder().setFence(l.fenceInfo()).setStartupReconciled(l.startupReconciled())
                .build()).orElse(info.toBuilder().setStartupReconciled(true).build());
    }

    private boolean vipHeld() {
        return vip.map(VipManager::holding).orElse(false);
    }

    /** What the admin console shows: the committed state and the watchdog view. */
    /** What a load balancer's health check is answered from (see {@link HealthChecks}). */
    private HealthChecks.Facts healthFacts() {
        AppliedState applied = hub.current();
        long age = contact.freshAgeMs(applied.index());
        boolean inContact = age >= 0 && age < config.failover().fenceTimeout().toMillis();
        ObserverView own = health.view(self.id()).orElse(ObserverView.INITIAL);
        return new HealthChecks.Facts(applied.state(), self.id(), inContact, own.health(), own.role(), own.streaming(),
                replayDelay);
    }

    private final class ConsoleSource implements AdminConsole.Source {
        @Override
        public ClusterState state() {
            return Agent.this.state();
        }

        @Override
        public WatchdogInfo watchdogInfo() {
            return peers.watchdogInfo(self.id(), Agent.this.raftInfo(), Agent.this.state());
        }
    }

    private final class View implements AdminService.AgentView {
        @Override
        public StateView view() {
            AppliedState applied = hub.current();
            // how fresh this state is, not only this agent's contact: it may still be applying old entries
            RaftInfo raft = raftInfo().toBuilder().setMajorityContactAgeMs(contact.freshAgeMs(applied.index())).build();
            return StateView.newBuilder().setState(applied.state()).setRaft(raft)
                    .setServedAtMs(System.currentTimeMillis()).build();
        }

        @Override
        public RaftInfo raftInfo() {
            return Agent.this.raftInfo();
        }

        @Override
        public WatchdogInfo watchdogInfo() {
            return peers.watchdogInfo(self.id(), Agent.this.raftInfo(), state());
        }

        @Override
        public io.raftpool.proto.Explanation explain() {
            return leader.explain().orElseGet(() -> io.raftpool.proto.Explanation.newBuilder().setState("not_leader")
                    .setAnsweredBy(self.id()).setVerdict("agent " + self.id() + " is not the Raft leader").build());
        }

        @Override
        public Runnable subscribe(Consumer<AppliedState> listener) {
            return hub.subscribe(listener);
        }
    }

    /**
     * Hands the state machine's callbacks to the agent's parts. Created before the agent's
     * fields exist (the state machine needs it first), bound once the agent is built.
     */
    private static final class LeaderRelay implements ClusterStateMachine.Listener {
        private volatile Agent agent;
        private volatile AppliedState early;

        void bind(Agent a) {
            this.agent = a;
            if (early != null) {
                a.hub.publish(early);
            }
        }

        @Override
        public void applied(AppliedState applied) {
            Agent a = agent;
            if (a == null) {
                early = applied;
                return;
            }
            a.hub.publish(applied);
            a.leader.nudge();
            a.local.ifPresent(LocalDuties::nudge);
        }

        @Override
        public void leaderReady() {
            Agent a = agent;
            if (a != null) {
                a.leader.leaderReady();
                a.vip.ifPresent(VipManager::leaderReady);
            }
        }

        @Override
        public void notLeader() {
            Agent a = agent;
            if (a != null) {
                a.leader.notLeader();
                a.vip.ifPresent(VipManager::notLeader);
            }
        }

        @Override
        public void leaderChanged(int leaderNode) {
            Agent a = agent;
            if (a != null && leaderNode != a.self.id()) {
                a.leader.notLeader();
                a.vip.ifPresent(VipManager::notLeader);
            }
        }

        @Override
        public void heardFrom(int nodeId) {
            Agent a = agent;
            if (a != null) {
                a.leader.heardFrom(nodeId);
            }
        }
    }
}
