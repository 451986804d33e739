package io.raftpool.config;

/**
 * One API token the agents accept: a name for messages and logs, what it may do, and the
 * salted hash of the token (never the token).
 */
public record TokenEntry(String name, ApiRole role, TokenHash hash) {}
