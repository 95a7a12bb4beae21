package dev.rafiki.schedule.boundary;

import dev.rafiki.platform.openapi.ViewTypes;
import java.lang.reflect.Type;
import java.util.List;

/** What the schedule routes answer with, for the OpenAPI document's schemas. */
public class ScheduleViewTypes implements ViewTypes {

    @Override
    public List<Type> types() {
        return List.of(ScheduleViews.ScheduleView.class, ScheduleViews.SchedulePage.class, ScheduleViews.RunPage.class);
    }
}
