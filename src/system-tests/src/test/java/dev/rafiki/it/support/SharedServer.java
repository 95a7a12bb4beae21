package dev.rafiki.it.support;

/**
 * One server for every test class that does not restart or crash it: each start costs about
 * 20 s on two cores. Tests on it use their own sessions and users, so they cannot disturb each other.
 */
public final class SharedServer {

    private static RafikiServer server;

    private SharedServer() {
    }

    public static synchronized RafikiServer get() {
        if (server == null) {
            server = RafikiServer.start("shared");
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "stop-shared-rafiki"));
        }
        return server;
    }
}
