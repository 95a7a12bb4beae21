package dev.rafiki.prompt.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ejb.EJBException;
import jakarta.jms.JMSException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SessionWorkerTest {

    @Test
    void aDatabaseOrBrokerFailureDeepInTheCauseChainIsAnOutage() {
        assertTrue(SessionWorker.outage(new EJBException(new IllegalStateException("event", new SQLException("I/O error")))));
        assertTrue(SessionWorker.outage(new IllegalStateException("announce", new JMSException("Connection reset"))));
        assertTrue(SessionWorker.outage(new jakarta.persistence.PersistenceException("Unable to acquire JDBC Connection")));
    }

    @Test
    void aFailureOfThePromptItselfIsNot() {
        assertFalse(SessionWorker.outage(new IllegalArgumentException("bad tool arguments")));
        assertFalse(SessionWorker.outage(new EJBException(new NullPointerException())));
    }

    @Test
    void dataTheDatabaseRefusesIsNoOutage() {
        var refused = new EJBException(new jakarta.persistence.PersistenceException(
                new SQLException("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00", "22021")));
        assertFalse(SessionWorker.outage(refused));
        assertTrue(SessionWorker.outage(new EJBException(new SQLException("An I/O error occurred", "08006"))));
        var batch = new java.sql.BatchUpdateException("Batch entry 0 was aborted", null, new int[0]);
        batch.setNextException(new SQLException("value too long for type character varying(200)", "22001"));
        assertFalse(SessionWorker.outage(batch), "a batch names the refusal as its next exception");
    }
}
