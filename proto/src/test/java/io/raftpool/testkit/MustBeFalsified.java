package io.raftpool.testkit;

import java.util.Optional;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.ShrunkFalsifiedSample;

/**
 * Inverts a property: it passes only when jqwik found a counterexample that violates the
 * invariant ({@link InvariantViolated}), and reports that counterexample after shrinking.
 * Used as {@code @AddLifecycleHook(MustBeFalsified.class)} on a property that runs an
 * invariant check against a deliberately broken variant of the code under test: it shows the
 * check can fail, and what the smallest input that makes it fail looks like. It fails when no
 * counterexample was found in the tries, or when the run failed some other way.
 */
public final class MustBeFalsified implements AroundPropertyHook {
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
}
