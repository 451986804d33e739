/**
 * HTTP checks for load balancers and orchestrators that do not route through raftpool's proxy
 * (haproxy {@code option httpchk}, cloud load balancers, Kubernetes probes), on the paths
 * Patroni serves, so that existing haproxy configs carry over: {@link HealthChecks} decides,
 * {@link HealthCheckServer} answers.
 */
package io.raftpool.server.http;
