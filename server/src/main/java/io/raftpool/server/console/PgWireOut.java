package io.raftpool.server.console;

import io.raftpool.api.view.TableData;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The backend messages of PostgreSQL's v3 protocol that the admin console sends, encoded onto a
 * stream: just enough for psql (authentication, parameters, a text-format result, errors).
 */
final class PgWireOut {
    /** The type of every column the console sends: text. */
    private static final int TEXT_OID = 25;

    private final OutputStream out;

    PgWireOut(OutputStream out) {
        this.out = out;
    }

    void authenticationOk() throws IOException {
        message('R', b -> b.writeInt(0));
    }

    void cleartextPasswordRequest() throws IOException {
        message('R', b -> b.writeInt(3));
    }

    void parameterStatus(String name, String value) throws IOException {
        message('S', b -> {
            cstring(b, name);
            cstring(b, value);
        });
    }

    void backendKeyData(int pid, int secret) throws IOException {
        message('K', b -> {
            b.writeInt(pid);
            b.writeInt(secret);
        });
    }

    void readyForQuery() throws IOException {
        message('Z', b -> b.writeByte('I'));
    }

    void emptyQuery() throws IOException {
        message('I', b -> { });
    }

    /** RowDescription, one DataRow per row, CommandComplete. Empty cells of number columns are NULL. */
    void result(TableData table, String tag) throws IOException {
        List<TableData.Column> columns = table.columns();
        message('T', b -> {
            b.writeShort(columns.size());
            for (TableData.Column c : columns) {
                cstring(b, c.name());
                b.writeInt(0);      // no table
                b.writeShort(0);    // no column number
                b.writeInt(TEXT_OID);
                b.writeShort(-1);   // variable length
                b.writeInt(-1);     // no type modifier
                b.writeShort(0);    // text format
            }
        });
        for (List<String> row : table.rows()) {
            message('D', b -> {
                b.writeShort(row.size());
                for (int i = 0; i < row.size(); i++) {
                    String cell = row.get(i);
                    if (cell.isEmpty() && columns.get(i).numeric()) {
                        b.writeInt(-1);
                    } else {
                        byte[] bytes = cell.getBytes(StandardCharsets.UTF_8);
                        b.writeInt(bytes.length);
                        b.write(bytes);
                    }
                }
            });
        }
        message('C', b -> cstring(b, tag + " " + table.rows().size()));
    }

    /** ErrorResponse: severity, SQLSTATE, message. */
    void error(String severity, String sqlState, String text) throws IOException {
        message('E', b -> {
            b.writeByte('S');
            cstring(b, severity);
            b.writeByte('V');
            cstring(b, severity);
            b.writeByte('C');
            cstring(b, sqlState);
            b.writeByte('M');
            cstring(b, text);
            b.writeByte(0);
        });
    }

    /** The one-byte answer to an SSLRequest or GSSENCRequest: 'S' (TLS follows) or 'N'. */
    void sslAnswer(boolean yes) throws IOException {
        out.write(yes ? 'S' : 'N');
        out.flush();
    }

    void flush() throws IOException {
        out.flush();
    }

    private interface Body {
        void write(DataOutputStream b) throws IOException;
    }

    private void message(char type, Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        body.write(new DataOutputStream(bytes));
        DataOutputStream o = new DataOutputStream(out);
        o.writeByte(type);
        o.writeInt(bytes.size() + 4);
        bytes.writeTo(o);
    }

    private static void cstring(DataOutputStream b, String s) throws IOException {
        b.write(s.replace('\0', ' ').getBytes(StandardCharsets.UTF_8));
        b.writeByte(0);
    }
}
