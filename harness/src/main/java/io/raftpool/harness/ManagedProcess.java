package io.raftpool.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM process the harness started (an agent or a proxy), with its log file. Signals go to
 * its pid only: the harness never kills what it did not start.
 */
public final class ManagedProcess {
    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    ManagedProcess(String name, List<String> command, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public synchronized void start() {
        if (isAlive()) {
            return;
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = pb.start();
        } catch (IOException e) {
            throw new HarnessException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        if (process == null) {
            throw new HarnessException(name + " was never started");
        }
        return process.pid();
    }

    /** SIGKILL, as a crash: no shutdown hook runs. */
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            await(Duration.ofSeconds(10));
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
    public synchronized void stop(Duration grace) {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!await(grace)) {
                process.destroyForcibly();
                await(Duration.ofSeconds(10));
            }
        }
    }

    /** SIGSTOP / SIGCONT, for pause faults. */
    public void signal(String signal) {
        Signals.send(pid(), signal);
    }

    private boolean await(Duration d) {
        try {
            return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static List<String> javaCommand(String mainClass, List<String> args, String heap, boolean ownSession) {
        return javaCommand(mainClass, args, heap, ownSession, List.of());
    }

    /**
     * The JVM options a test run asks for its clusters' processes ({@code raftpool.childJvmOptions},
     * e.g. {@code -XX:TieredStopAtLevel=1}: processes that live seconds spend less CPU compiling).
     */
    public static List<String> testJvmOptions() {
        return java.util.Arrays.stream(System.getProperty("raftpool.childJvmOptions", "").trim().split("\\s+"))
                .filter(o -> !o.isEmpty()).toList();
    }

    public static List<String> javaCommand(String mainClass, List<String> args, String heap, boolean ownSession,
                                           List<String> extraOptions) {
        List<String> cmd = new ArrayList<>();
        if (ownSession) {
            cmd.add("setsid"); // outlives the terminal and the JVM that started it
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-Xshare:auto");
        cmd.addAll(extraOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("raftpool.classpath", System.getProperty("java.class.path")));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
