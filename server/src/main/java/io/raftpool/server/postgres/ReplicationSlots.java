package io.raftpool.server.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Physical replication slots on a server, made and dropped idempotently over a superuser connection. */
final class ReplicationSlots {
    private static final String DUPLICATE_OBJECT = "42710";
    private static final String UNDEFINED_OBJECT = "42704";

    /** What to do about a slot that must exist. */
    enum Action { NONE, CREATE, RECREATE }

    private record Slot(String type, boolean active, Optional<String> walStatus, long activePid) {}

    private ReplicationSlots() {
    }

    /**
     * Decides what makes {@code slot} usable: nothing, create it, or recreate it when
     * max_slot_wal_keep_size made it lose the WAL it held ("lost") and nobody uses it.
     */
    static Action decide(Optional<String> type, boolean active, Optional<String> walStatus) {
        if (type.isEmpty()) {
            return Action.CREATE;
        }
        if (!type.get().equals("physical")) {
            return Action.NONE;
        }
        return walStatus.filter("lost"::equals).isPresent() && !active ? Action.RECREATE : Action.NONE;
    }

    /** Makes sure the physical slot exists and holds WAL. Returns what it did. */
    static Action ensure(Connection c, String slotName) throws SQLException {
        SlotNames.requireValid(slotName);
        Optional<Slot> slot = find(c, slotName);
        if (slot.isPresent() && !slot.get().type().equals("physical")) {
            throw new PostgresException("replication slot '" + slotName + "' exists but is a " + slot.get().type()
                    + " slot; a standby needs a physical one: drop it or pick another name");
        }
        Action action = decide(slot.map(Slot::type), slot.map(Slot::active).orElse(false),
                slot.flatMap(Slot::walStatus));
        if (action == Action.RECREATE) {
            drop(c, slotName);
        }
        if (action != Action.NONE) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)")) {
                ps.setString(1, slotName);
                ps.execute();
            } catch (SQLException e) {
                if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                    throw e;
                }
                return Action.NONE;
            }
        }
        return action;
    }

    /** Drops the slot if it exists. A slot a standby still streams through is refused, not broken. */
    static boolean drop(Connection c, String slotName) throws SQLException {
        SlotNames.requireValid(slotName);
        Optional<Slot> slot = find(c, slotName);
        if (slot.isEmpty()) {
            return false;
        }
        if (slot.get().active()) {
            throw new PostgresException("replication slot '" + slotName + "' is in use by process "
                    + slot.get().activePid() + " (a standby streams through it); stop that standby first");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            ps.setString(1, slotName);
            ps.execute();
            return true;
        } catch (SQLException e) {
            if (UNDEFINED_OBJECT.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    private static Optional<Slot> find(Connection c, String slotName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT slot_type, active, wal_status, coalesce(active_pid, 0)"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slotName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Slot(rs.getString(1), rs.getBoolean(2), Optional.ofNullable(rs.getString(3)),
                        rs.getLong(4)));
            }
        }
    }
}
