/**
 * The raftpool proxy: a small process per node that follows the committed cluster state and
 * forwards PostgreSQL client connections, the read-write port to the primary, the read-only
 * port to the standbys. It holds no Raft state and fails closed (S1).
 *
 * <h2>Map</h2>
 * <ul>
 *   <li>Decisions, pure: {@link io.raftpool.proxy.Routing} (which view to believe, where a
 *       connection goes, which sessions may stay), {@link io.raftpool.proxy.WatchPolicy} (when
 *       to give up on an agent), over the values {@link io.raftpool.proxy.ClusterView},
 *       {@link io.raftpool.proxy.AgentView}, {@link io.raftpool.proxy.Permits},
 *       {@link io.raftpool.proxy.Route}.</li>
 *   <li>Wire, pure: {@link io.raftpool.proxy.StartupPacket} (a client's first packets),
 *       {@link io.raftpool.proxy.PgWire} (ErrorResponse, CancelRequest),
 *       {@code StartupReplyScanner} (a session's cancel key, read in passing).</li>
 *   <li>Acting: {@code Router} applies the decisions to the open sessions under one lock;
 *       {@code StateWatcher} streams views from an agent; {@code FrontendHandler} runs a
 *       connection's start and hands over to {@code RelayHandler} and {@code BackendHandler},
 *       which only pass buffers on; {@code CancelForwarder} delivers cancel requests.</li>
 *   <li>Assembly: {@link io.raftpool.proxy.Proxy} (ports, threads, metrics endpoint),
 *       {@link io.raftpool.proxy.ProxyOptions}, {@link io.raftpool.proxy.ProxyMain} (the CLI's
 *       entry point).</li>
 * </ul>
 *
 * <h2>Rules it keeps</h2>
 * <ul>
 *   <li>Writes go only to the ACTIVE, attached primary of the newest epoch seen, and only while
 *       the view is younger than {@code proxy.stale_after}. A view's age is the time since it was
 *       received plus the serving agent's own time out of touch with the Raft majority.</li>
 *   <li>A view change first closes the sessions it no longer allows, and new connections wait
 *       until those sockets are closed: nothing reaches a new primary while a session to the
 *       old one is open. A stale view ends the sessions to the primary on both ports; sessions
 *       to standbys stay (a standby takes no writes).</li>
 *   <li>TLS is never terminated here: an SSL request is forwarded and answered by the server.</li>
 * </ul>
 */
package io.raftpool.proxy;
