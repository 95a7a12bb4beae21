/**
 * The agent runtime: the model catalog and the agent loop. The loop is the one door through which
 * what a model or a tool produces reaches a prompt's record, on the fast lane and the durable
 * queue alike: it leaves as storable text (no NUL, no lone surrogate), so recording a step never
 * fails for what a model said or a tool printed.
 */
package dev.rafiki.agent.control;
