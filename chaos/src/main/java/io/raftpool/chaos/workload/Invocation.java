package io.raftpool.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;

/** What a client is about to do: the operation's name and argument. */
public record Invocation(String f, JsonNode value) {}
