package dev.rafiki.it.arquillian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.agent.control.AgentLoop.Outcome;
import dev.rafiki.agent.model.ChatMessage;
import dev.rafiki.prompt.boundary.BusyPolicy;
import dev.rafiki.prompt.boundary.Conversations;
import dev.rafiki.prompt.boundary.NewPrompt;
import dev.rafiki.prompt.boundary.PromptIntake;
import dev.rafiki.prompt.boundary.Prompts;
import dev.rafiki.prompt.control.PromptLedger;
import dev.rafiki.prompt.control.PromptLedger.Next.Kind;
import dev.rafiki.session.boundary.Sessions;
import jakarta.inject.Inject;
import java.io.File;
import java.time.Duration;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The session claim protocol, inside a real Payara Micro with the real database and broker:
 * what keeps one worker per session and one result per prompt, tested at the level where a
 * crashed or stalled worker can be simulated precisely.
 * <p>
 * Each test takes the session's claim before any prompt exists, so the application's own
 * workers (woken by the prompts the test creates) cannot claim it and stay out of the way.
 */
@ExtendWith(ArquillianExtension.class)
class PromptLedgerIT {

    static final Duration LEASE = Duration.ofSeconds(60);

    @Deployment
    static WebArchive deployment() {
        var war = new File(System.getProperty("rafiki.dist"), "rafiki.war");
        return ShrinkWrap.create(ZipImporter.class, "rafiki-it.war").importFrom(war).as(WebArchive.class)
                .addClass(PromptLedgerIT.class);
    }

    @Inject
    PromptLedger ledger;

    @Inject
    PromptIntake intake;

    @Inject
    Prompts prompts;

    @Inject
    Sessions sessions;

    @Inject
    Conversations conversations;

    @Test
    void aClaimIsExclusiveUntilReleased() {
        var session = newSession();
        assertTrue(ledger.claim(session, "worker-a", LEASE));
        assertFalse(ledger.claim(session, "worker-b", LEASE), "held by worker-a");
        assertFalse(ledger.release(session, "worker-b"), "only the holder releases");
        assertTrue(ledger.release(session, "worker-a"));
        assertTrue(ledger.claim(session, "worker-b", LEASE));
    }

    @Test
    void aDeadWorkersClaimExpiresAndItsPromptResumesWithTheNextWorker() throws Exception {
        var session = newSession();
        assertTrue(ledger.claim(session, "dead-worker", Duration.ofSeconds(1)));
        var promptId = accept(session, "survive me");
        var first = ledger.startNext(session, "dead-worker", Duration.ofSeconds(1), 3);
        assertEquals(Kind.RUN, first.kind());
        assertEquals(promptId, first.prompt().id());
        assertEquals(1, first.prompt().attempt());

        assertFalse(ledger.claim(session, "next-worker", LEASE), "the lease still runs");
        Thread.sleep(1500);
        assertTrue(ledger.claim(session, "next-worker", LEASE), "an expired lease can be taken");

        var resumed = ledger.startNext(session, "next-worker", LEASE, 3);
        assertEquals(Kind.RUN, resumed.kind());
        assertEquals(promptId, resumed.prompt().id(), "the same prompt resumes, not the next one");
        assertEquals(2, resumed.prompt().attempt());
        assertEquals(Kind.LOST, ledger.startNext(session, "dead-worker", LEASE, 3).kind());
        assertFalse(ledger.complete(promptId, "dead-worker", answer("late"), false), "a worker that lost its claim cannot finish");
        assertTrue(ledger.complete(promptId, "next-worker", answer("echo: survive me"), false));
        assertFalse(ledger.complete(promptId, "next-worker", answer("again"), false), "a prompt finishes once");

        var view = prompts.get("ledger-user", session, promptId);
        assertEquals("completed", view.status());
        assertEquals("echo: survive me", view.answer());
        assertEquals(2, conversations.messages("ledger-user", session, 0, false, 10).items().size(), "one user and one assistant message");
    }

    @Test
    void releaseIsRefusedWhileAPromptIsPendingSoNoWakeUpIsLost() {
        var session = newSession();
        assertTrue(ledger.claim(session, "worker", LEASE));
        var promptId = accept(session, "arrived late");
        assertFalse(ledger.release(session, "worker"), "a pending prompt keeps the worker on the session");
        assertTrue(ledger.hasPending(session));

        var next = ledger.startNext(session, "worker", LEASE, 3);
        assertEquals(promptId, next.prompt().id());
        assertTrue(ledger.complete(promptId, "worker", answer("done"), false));
        assertEquals(Kind.EMPTY, ledger.startNext(session, "worker", LEASE, 3).kind());
        assertTrue(ledger.release(session, "worker"));
    }

    @Test
    void promptsRunInSequenceOrderAndAPromptThatKeepsCrashingFails() {
        var session = newSession();
        assertTrue(ledger.claim(session, "worker", LEASE));
        var a = accept(session, "a");
        var b = accept(session, "b");
        for (int attempt = 1; attempt <= 2; attempt++) {
            assertEquals(a, ledger.startNext(session, "worker", LEASE, 2).prompt().id(), "a before b, attempt " + attempt);
        }
        assertEquals(Kind.SKIPPED, ledger.startNext(session, "worker", LEASE, 2).kind(), "a third attempt is refused");
        assertEquals("failed", prompts.get("ledger-user", session, a).status());
        assertEquals("too-many-attempts", prompts.get("ledger-user", session, a).error().code());
        assertEquals(b, ledger.startNext(session, "worker", LEASE, 2).prompt().id());
    }

    private UUID newSession() {
        return sessions.create("ledger-user", null, null, null, null, null).id();
    }

    private UUID accept(UUID session, String text) {
        return intake.accept(new NewPrompt("ledger-user", session, text, BusyPolicy.ENQUEUE, null, null)).id;
    }

    private static Outcome answer(String text) {
        return new Outcome(text, java.util.List.of(ChatMessage.assistant(text, java.util.List.of())), null, null, 1, 1, 0, 0, 1);
    }
}
