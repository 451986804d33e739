package io.raftpool.server.hooks;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hook's command line with its placeholders filled in. Every value is shell-quoted, so a data
 * directory with a space or a quote in it cannot change what the command does. Pure.
 */
public final class HookCommand {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    private HookCommand() {}

    public static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : quote(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String quote(String value) {
        if (value.matches("[A-Za-z0-9_./:=-]+")) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
