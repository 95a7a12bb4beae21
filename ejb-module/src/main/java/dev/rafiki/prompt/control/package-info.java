/**
 * How prompts run. Two paths, one set of rules in the database:
 * <ul>
 * <li>the fast lane ({@link dev.rafiki.prompt.control.FastLane}): a prompt for a session idle on
 * this node's last look runs at once in memory; its writes are one unit of the group commit,
 * fenced on that look ({@code next_seq}, {@code message_count}, no live claim), so a prompt
 * accepted meanwhile anywhere makes the fence refuse and the prompt takes the durable queue;</li>
 * <li>the durable queue: JMS wakes a worker after the commit; the session claim (a lease) gives
 * one worker the session, {@code prompt.seq} gives the order, every worker write is fenced by its
 * claim (see {@link dev.rafiki.prompt.control.PromptLedger}).</li>
 * </ul>
 * {@link dev.rafiki.prompt.control.GroupCommit} guarantees: a unit's writes are committed or not
 * at all; a refused or failing unit leaves the others of its batch untouched; event numbers are
 * assigned at commit, gap-free and in commit order; nothing a unit wrote (answer, event) reaches
 * anyone before its commit.
 * <p>
 * A tool call that waits for a person ({@link dev.rafiki.prompt.control.ToolApprovals}) pauses its
 * prompt on the durable queue only: the run's turns so far become the prompt's messages, the
 * session's claim is parked on the prompt (the queue behind it waits, no thread or connection is
 * held), and the decision, expiry or stop that ends the wait is decided once, under the session's
 * row lock, on any node; the resumed run goes on from the stored turn, never asking it again.
 * Which calls wait is the profile's rules and the request's, kept on the prompt and applied
 * together ({@link dev.rafiki.agent.control.ApprovalRules}): a request adds waits, never removes one.
 * <p>
 * Which prompts a query means is named once, in {@link dev.rafiki.prompt.entity.PromptStatus}:
 * <em>runnable</em> (queued, running: what a worker takes, what keeps its claim, what the sweeper
 * and the queue-depth gauges count) and <em>active</em> (runnable or waiting for a person: the
 * session is busy, its workspace in use). The features below ask for the active ones through
 * {@link dev.rafiki.workspace.control.ActivePrompts}, which {@link dev.rafiki.prompt.control.PromptActivity}
 * answers.
 */
package dev.rafiki.prompt.control;
