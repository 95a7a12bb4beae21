package dev.rafiki.event.control;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The fan-out to subscribers: how much a slow one may hold back, and how it is kept alive. */
@Dependent
public class EventSettings {

    /** Events buffered per subscriber before it is closed as too slow. */
    @Inject
    @ConfigProperty(name = "rafiki.events.subscriber-buffer", defaultValue = "1000")
    public int subscriberBuffer;

    /** Bytes of events buffered per subscriber before it is closed as too slow (4 MiB). */
    @Inject
    @ConfigProperty(name = "rafiki.events.subscriber-buffer-bytes", defaultValue = "4194304")
    public long subscriberBufferBytes;

    /** A subscriber whose one write waits longer for its connection is closed. */
    @Inject
    @ConfigProperty(name = "rafiki.events.send-timeout-seconds", defaultValue = "30")
    public long sendTimeoutSeconds;

    /** Most writes to subscribers in progress at once on a node: threads are borrowed per write, not kept per subscriber. */
    @Inject
    @ConfigProperty(name = "rafiki.events.sender-threads", defaultValue = "1024")
    public int senderThreads;

    /** Keep-alive period on idle streams. */
    @Inject
    @ConfigProperty(name = "rafiki.events.keep-alive-seconds", defaultValue = "15")
    public long keepAliveSeconds;
}
