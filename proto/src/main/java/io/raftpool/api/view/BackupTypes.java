package io.raftpool.api.view;

/** A backup's type as a request or a record carries it: "" (states from before pgBackRest) is full. */
public final class BackupTypes {
    private BackupTypes() {}

    public static String of(String recorded) {
        return recorded.isEmpty() ? "full" : recorded;
    }
}
