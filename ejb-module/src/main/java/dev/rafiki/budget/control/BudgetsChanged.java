package dev.rafiki.budget.control;

/** Fired in the transaction that sets or deletes a budget: once it commits, this node reads the budgets again. */
public record BudgetsChanged() {
}
