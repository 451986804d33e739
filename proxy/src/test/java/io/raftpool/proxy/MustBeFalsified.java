package io.raftpool.proxy;

import java.util.Optional;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.ShrunkFalsifiedSample;

/**
 * Inverts a property: it passes only when jqwik found a counterexample that violates the
 * invariant ({@link InvariantViolated}), and reports it after shrinking. The proxy's copy of
 * the server tests' io.raftpool.server.testing.MustBeFalsified (the proxy does not see the
 * server's test classes); used on a property that runs an invariant check against a
 * deliberately broken variant of the code under test.
 */
final class MustBeFalsified implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        PropertyExecutionResult r = property.execute();
        String name = context.extendedLabel();
        if (r.status() == PropertyExecutionResult.Status.SUCCESSFUL) {
            return r.mapToFailed(new AssertionError(name + ": no counterexample in " + r.countTries()
                    + " tries; the invariant check did not catch the broken variant"));
        }
        if (r.status() != PropertyExecutionResult.Status.FAILED) {
            return r;
        }
        Throwable t = r.throwable().orElse(null);
        if (!(t instanceof InvariantViolated)) {
            return r.mapToFailed(new AssertionError(name + ": failed, but not by the invariant: " + t, t));
        }
        Optional<ShrunkFalsifiedSample> shrunk = r.shrunkSample();
        String sample = shrunk.map(s -> "shrunk in " + s.countShrinkingSteps() + " steps to " + s.parameters())
                .orElseGet(() -> "minimal as generated: " + r.falsifiedParameters().map(Object::toString).orElse("?"));
        System.out.println("[" + name + "] counterexample as expected after " + r.countTries() + " tries, " + sample
                + "\n  " + t.getMessage().replace("\n", "\n  "));
        return r.mapToSuccessful();
    }

    /** Thrown by an invariant check when its invariant does not hold. */
    static final class InvariantViolated extends AssertionError {
        InvariantViolated(String message) {
            super(message);
        }

        static void check(boolean holds, String what, Object... details) {
            if (!holds) {
                StringBuilder b = new StringBuilder(what);
                for (Object d : details) {
                    b.append("\n  ").append(d);
                }
                throw new InvariantViolated(b.toString());
            }
        }
    }
}
