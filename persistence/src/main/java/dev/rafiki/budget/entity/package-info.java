/** Budgets as administrators set them; what was spent is counted per day beside them (V10). */
package dev.rafiki.budget.entity;
