package dev.rafiki.job.boundary;

import dev.rafiki.link.control.SignedLinks;
import dev.rafiki.platform.openapi.ViewTypes;
import java.lang.reflect.Type;
import java.util.List;

/** What the job routes answer with, for the OpenAPI document's schemas. */
public class JobViewTypes implements ViewTypes {

    @Override
    public List<Type> types() {
        return List.of(JobViews.JobView.class, JobViews.JobPage.class, JobsResource.ArtifactList.class, SignedLinks.Link.class);
    }
}
