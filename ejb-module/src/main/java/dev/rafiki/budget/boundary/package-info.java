/** Budgets as administrators set them, and as users see them beside their usage. */
package dev.rafiki.budget.boundary;
