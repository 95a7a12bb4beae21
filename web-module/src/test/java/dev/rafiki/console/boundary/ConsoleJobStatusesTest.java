package dev.rafiki.console.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.prompt.entity.PromptStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console's lists of job statuses are the server's. A job waiting for a person's approval was
 * missing from them: its page offered "Submit again" instead of "Cancel job", stopped looking for
 * news, and the list's filter could not show such jobs.
 */
class ConsoleJobStatusesTest {

    static final Path JOBS = Path.of("src/main/webapp/console/js/views/jobs.js");

    @Test
    void theFilterOffersEveryStatusAJobCanHave() throws IOException {
        var wires = Arrays.stream(PromptStatus.values()).map(PromptStatus::wire).toList();
        assertEquals(wires, strings("const STATUSES = \\[([^\\]]*)]"));
    }

    @Test
    void aJobThatHasNotEndedIsActiveWaitingForAPersonToo() throws IOException {
        var notEnded = Arrays.stream(PromptStatus.values()).filter(s -> !s.terminal()).map(PromptStatus::wire).toList();
        var active = strings("const ACTIVE = new Set\\(\\[([^\\]]*)]\\)");
        assertEquals(notEnded, active);
        assertTrue(active.contains(PromptStatus.WAITING_APPROVAL.wire()));
    }

    @Test
    void theJobPageUsesTheListsActiveSet() throws IOException {
        var job = Files.readString(JOBS.resolveSibling("job.js"));
        assertTrue(job.contains("import { ACTIVE, progress } from './jobs.js';"), "one set for both views");
        assertTrue(!job.contains("const ACTIVE"), "no second set to drift");
    }

    private static List<String> strings(String declaration) throws IOException {
        var matcher = Pattern.compile(declaration).matcher(Files.readString(JOBS));
        assertTrue(matcher.find(), "jobs.js declares " + declaration);
        var strings = new ArrayList<String>();
        var quoted = Pattern.compile("'([^']*)'").matcher(matcher.group(1));
        while (quoted.find()) {
            strings.add(quoted.group(1));
        }
        return strings;
    }
}
