package dev.rafiki.platform.concurrent;

import dev.rafiki.event.control.EventHub;
import jakarta.enterprise.concurrent.ContextServiceDefinition;
import jakarta.enterprise.concurrent.ManagedThreadFactoryDefinition;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Threads without the application's component context, for the one job that needs none: writing
 * frames to WebSocket subscribers ({@link EventHub}). Payara's Tyrus schedules a task on the
 * container's scheduled executor at every frame it sends, and that executor sets the sending
 * thread's application context up again for the task; from a thread that carries none, it skips
 * that work (see docs/platform-notes.md).
 * <p>
 * Declared on a web component because that is where Payara Micro binds such definitions (on a
 * singleton bean of the EJB classes inside the WAR the name was not bound). {@code propagated}
 * names the security context rather than nothing: WildFly reads an empty list as the default
 * ({@code ALL_REMAINING}) and refuses the definition for naming it twice; the writers never check
 * a caller's roles, so what they inherit there is unused.
 */
@ContextServiceDefinition(name = SenderThreads.CONTEXT, cleared = ContextServiceDefinition.ALL_REMAINING,
        propagated = ContextServiceDefinition.SECURITY, unchanged = ContextServiceDefinition.TRANSACTION)
@ManagedThreadFactoryDefinition(name = EventHub.SENDER_THREADS, context = SenderThreads.CONTEXT)
@WebListener
public class SenderThreads implements ServletContextListener {

    static final String CONTEXT = "java:app/concurrent/rafiki-sender-context";
}
