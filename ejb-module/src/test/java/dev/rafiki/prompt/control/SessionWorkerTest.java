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
}
