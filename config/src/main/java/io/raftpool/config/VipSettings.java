package io.raftpool.config;

/**
 * The virtual IP held by the Raft leader. Commands are templates with {address}, {prefix},
 * {interface} placeholders.
 */
public record VipSettings(String address, int prefix, String networkInterface,
                          String upCommand, String downCommand, String arpingCommand) {
    public static final String DEFAULT_UP = "ip addr add {address}/{prefix} dev {interface}";
    public static final String DEFAULT_DOWN = "ip addr del {address}/{prefix} dev {interface}";
    public static final String DEFAULT_ARPING = "arping -U -c 1 -I {interface} {address}";

    public String render(String template) {
        return template.replace("{address}", address)
                .replace("{prefix}", Integer.toString(prefix))
                .replace("{interface}", networkInterface);
    }
}
