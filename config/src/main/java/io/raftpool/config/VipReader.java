package io.raftpool.config;

import java.util.regex.Pattern;

/** Reads the optional {@code vip} section: an IPv4 address with its prefix, the interface and the commands. */
final class VipReader {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private VipReader() {}

    static VipSettings read(YamlSection s) {
        String address = s.requiredString("address").orElse("");
        int prefix = 32;
        String ip = address;
        if (!address.isEmpty()) {
            int slash = address.indexOf('/');
            if (slash >= 0) {
                ip = address.substring(0, slash);
                try {
                    prefix = Integer.parseInt(address.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
            }
            if (!validIpv4(ip) || prefix < 1 || prefix > 32) {
                s.problem("address", "'" + address + "' is not an IPv4 address with an optional prefix;"
                        + " allowed: e.g. 192.168.10.100/24");
            }
        }
        String iface = s.requiredString("interface").orElse("");
        VipSettings v = new VipSettings(ip, prefix, iface,
                s.string("up_command", VipSettings.DEFAULT_UP),
                s.string("down_command", VipSettings.DEFAULT_DOWN),
                s.string("arping_command", VipSettings.DEFAULT_ARPING));
        s.finish();
        return v;
    }

    private static boolean validIpv4(String text) {
        var m = IPV4.matcher(text);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }
}
