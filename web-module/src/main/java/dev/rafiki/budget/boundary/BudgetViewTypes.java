package dev.rafiki.budget.boundary;

import dev.rafiki.platform.openapi.ViewTypes;
import java.lang.reflect.Type;
import java.util.List;

/** What the budget routes answer with, for the OpenAPI document's schemas. */
public class BudgetViewTypes implements ViewTypes {

    @Override
    public List<Type> types() {
        return List.of(BudgetViews.BudgetView.class, BudgetViews.BudgetPage.class);
    }
}
