package dev.rafiki.session.boundary;

import dev.rafiki.link.control.SignedLinks;
import dev.rafiki.platform.openapi.ViewTypes;
import java.lang.reflect.Type;
import java.util.List;

/** What the session routes answer with, for the OpenAPI document's schemas. */
public class SessionViewTypes implements ViewTypes {

    @Override
    public List<Type> types() {
        return List.of(Views.SessionView.class, ViewTypes.named("SessionPage", Views.Page.class, Views.SessionView.class),
                Views.UserUsage.class, FilesResource.FileList.class, SignedLinks.Link.class);
    }
}
