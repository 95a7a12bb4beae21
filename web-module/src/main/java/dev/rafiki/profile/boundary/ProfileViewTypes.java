package dev.rafiki.profile.boundary;

import dev.rafiki.platform.openapi.ViewTypes;
import java.lang.reflect.Type;
import java.util.List;

/** What the agent and tool routes answer with, for the OpenAPI document's schemas. */
public class ProfileViewTypes implements ViewTypes {

    @Override
    public List<Type> types() {
        return List.of(ProfileView.class, AgentProfiles.Page.class, ToolView.Page.class);
    }
}
