package dev.rafiki.platform.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.QueryParam;
import java.util.ArrayList;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PageRequestTest {

    /**
     * Event pages are a stream's cursor (a sequence number read forward only), not a list: they
     * keep their own limit and take no order.
     */
    static final Set<String> NOT_LISTS = Set.of("EventsResource");

    @Test
    void absentValuesGiveTheSharedLimitAndTheListsOwnOrder() {
        assertEquals(new PageRequest(50, true), PageRequest.of(null, null, true));
        assertEquals(new PageRequest(50, false), PageRequest.of("", " ", false));
    }

    @Test
    void givenValuesWin() {
        assertEquals(new PageRequest(200, false), PageRequest.of("200", "asc", true));
        assertEquals(new PageRequest(1, true), PageRequest.of("1", "desc", false));
    }

    @Test
    void badValuesAreInvalid() {
        for (var limit : new String[] {"0", "201", "-1", "ten"}) {
            BodiesTest.assertInvalid("'limit' must be a number between 1 and 200", () -> PageRequest.of(limit, null, true));
        }
        BodiesTest.assertInvalid("'order' must be asc or desc", () -> PageRequest.of(null, "newest", true));
        BodiesTest.assertInvalid("'order' must be asc or desc", () -> PageRequest.of(null, "DESC", true));
    }

    /** A list that takes a limit is paged, and every paged list reads both ways. */
    @Test
    void everyRouteThatTakesALimitTakesAnOrderAndAnAfter() throws Exception {
        var lists = new ArrayList<String>();
        for (var type : RequestBodiesTest.applicationClasses()) {
            if (NOT_LISTS.contains(type.getSimpleName())) {
                continue;
            }
            for (var method : type.getDeclaredMethods()) {
                if (!method.isAnnotationPresent(GET.class)) {
                    continue;
                }
                var names = new ArrayList<String>();
                for (var parameter : method.getParameters()) {
                    var query = parameter.getAnnotation(QueryParam.class);
                    if (query != null) {
                        names.add(query.value());
                    }
                }
                if (names.contains("limit")) {
                    var where = type.getSimpleName() + "." + method.getName();
                    assertTrue(names.containsAll(Set.of("order", "after")), where + " takes " + names);
                    lists.add(where);
                }
            }
        }
        assertTrue(lists.size() >= 9, "the lists found: " + lists);
    }
}
