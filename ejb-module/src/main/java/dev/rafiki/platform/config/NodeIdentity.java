package dev.rafiki.platform.config;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.UUID;

/**
 * Who this node is. The node id is stable across restarts (so a restarted node can release the
 * claims its previous incarnation left behind); the incarnation id is new at every start.
 */
@ApplicationScoped
public class NodeIdentity {

    @Inject
    NodeSettings settings;

    private String nodeId;
    private String incarnation;

    @PostConstruct
    void init() {
        nodeId = settings.nodeId.filter(s -> !s.isBlank()).orElseGet(NodeIdentity::hostName)
                .replaceAll("[^A-Za-z0-9._:-]", "_");
        incarnation = UUID.randomUUID().toString().substring(0, 8);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    public String nodeId() {
        return nodeId;
    }

    /** Prefix of every claim this running node makes: {@code node|incarnation|}. */
    public String claimPrefix() {
        return nodeId + "|" + incarnation + "|";
    }

    /** Prefix shared by the claims of every incarnation of this node. */
    public String nodePrefix() {
        return nodeId + "|";
    }
}
