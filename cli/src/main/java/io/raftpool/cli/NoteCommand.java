package io.raftpool.cli;

import io.raftpool.proto.NoteRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftpool note TEXT}: records an operator's note in the committed event history, where
 * {@code raftpool events} shows it beside what raftpool did ("maintenance of pgsql2 starts").
 */
@Command(name = "note", mixinStandardHelpOptions = true,
        description = "Record a one-line note in the cluster's event history (shown by raftpool events).")
final class NoteCommand extends ClusterCommand {
    @Parameters(index = "0", paramLabel = "TEXT", description = "one line, 1 to 200 characters")
    String text;

    @Option(names = "--json", description = "print the reply as JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        return send("note", client -> client.addNote(NoteRequest.newBuilder().setText(text).build()), json);
    }
}
