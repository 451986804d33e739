package io.raftpool.server.agent;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigException;
import io.raftpool.config.WatchdogSettings;
import io.raftpool.server.watchdog.DeviceCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Linux watchdog device a node uses, checked before anything starts. */
final class WatchdogDevices {
    private static final Logger LOG = LoggerFactory.getLogger(WatchdogDevices.class);

    private WatchdogDevices() {}

    /** The device this node uses; a {@link ConfigException} when it is required and not usable. */
    static DeviceCheck.Result check(ClusterConfig config) {
        DeviceCheck.Result device = DeviceCheck.probe(config.watchdog(), config.failover().fenceTimeout());
        if (device instanceof DeviceCheck.Refuse r) {
            throw new ConfigException(r.message());
        }
        if (device instanceof DeviceCheck.Off off && config.watchdog().mode() != WatchdogSettings.Mode.OFF) {
            LOG.warn("the watchdog device is not used: {}", off.why());
        }
        return device;
    }
}
