package io.raftpool.server.postgres;

import java.util.Locale;
import java.util.regex.Pattern;

/** Physical replication slot names: PostgreSQL allows lower-case letters, digits and '_', up to 63 characters. */
public final class SlotNames {
    private static final Pattern VALID = Pattern.compile("[a-z0-9_]{1,63}");

    private SlotNames() {
    }

    /** The slot a standby named {@code nodeName} streams through: "pgsql-2" gets "pgsql_2". */
    public static String forNode(String nodeName) {
        String name = nodeName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    public static String requireValid(String slotName) {
        if (slotName == null || !VALID.matcher(slotName).matches()) {
            throw new IllegalArgumentException("replication slot name '" + slotName + "' is not allowed: use 1 to 63"
                    + " lower-case letters, digits and underscores (SlotNames.forNode makes one from a node name)");
        }
        return slotName;
    }
}
