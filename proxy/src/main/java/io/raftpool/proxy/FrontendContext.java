package io.raftpool.proxy;

import io.raftpool.config.ProxySettings;

/** What every client connection's handlers share. */
record FrontendContext(Router router, MonotonicClock clock, ProxySettings settings, ProxyMetrics metrics,
                       Transport transport, CancelForwarder cancels) {}
