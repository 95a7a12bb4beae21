/**
 * Budgets: what a user, or an agent profile, may spend (tokens, tool time) per UTC day or month.
 * <ul>
 * <li>A prompt or job that would start with a budget of its user or its profile spent is refused
 * where it comes in ({@code 429 budget-exceeded}, with when the budget resets). Every run asks
 * again before each model turn, its first included, and fails with {@code budget-exceeded} when
 * the budget is spent: a queued prompt, a delayed job, a schedule's run that comes due, a run that
 * crosses the budget while it goes.</li>
 * <li>Spending is counted per day in the transaction that records a prompt's usage, on both paths
 * that record it: the database is the truth for every node. A running prompt's own spending counts
 * against it from its first turn; other prompts' once they end.</li>
 * <li>A run of a user and a profile without a budget pays no database read for it: the budgets
 * are held in memory, read again after a change on this node and every few seconds for changes on
 * others.</li>
 * </ul>
 */
package dev.rafiki.budget.control;
