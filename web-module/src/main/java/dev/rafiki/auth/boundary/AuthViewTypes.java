package dev.rafiki.auth.boundary;

import dev.rafiki.platform.openapi.ViewTypes;
import java.lang.reflect.Type;
import java.util.List;

/** What the stream-token routes answer with, for the OpenAPI document's schemas. */
public class AuthViewTypes implements ViewTypes {

    @Override
    public List<Type> types() {
        return List.of(StreamToken.class);
    }
}
