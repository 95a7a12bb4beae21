package dev.rafiki.prompt.boundary;

import dev.rafiki.session.boundary.Views;
import dev.rafiki.platform.openapi.ViewTypes;
import java.lang.reflect.Type;
import java.util.List;

/** What the prompt and conversation routes answer with, for the OpenAPI document's schemas. */
public class PromptViewTypes implements ViewTypes {

    @Override
    public List<Type> types() {
        return List.of(QueryResult.class, Views.PromptView.class, Views.ApprovalView.class,
                ViewTypes.named("MessagePage", Views.Page.class, Views.MessageView.class), Views.QueueView.class, Views.StopResult.class);
    }
}
