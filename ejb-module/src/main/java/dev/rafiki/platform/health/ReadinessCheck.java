package dev.rafiki.platform.health;

import dev.rafiki.platform.messaging.Destinations;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while both the database and the JMS broker answer. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Resource(lookup = "java:app/jdbc/rafiki")
    DataSource dataSource;

    @Resource(lookup = Destinations.CONNECTION_FACTORY)
    ConnectionFactory connectionFactory;

    @Override
    public HealthCheckResponse call() {
        var database = database();
        var broker = broker();
        return HealthCheckResponse.named("rafiki")
                .status(database == null && broker == null)
                .withData("database", database == null ? "UP" : database)
                .withData("broker", broker == null ? "UP" : broker)
                .build();
    }

    private String database() {
        try (var connection = dataSource.getConnection()) {
            return connection.isValid(2) ? null : "not answering";
        } catch (SQLException | RuntimeException e) {
            return "DOWN: " + e.getClass().getSimpleName();
        }
    }

    private String broker() {
        try (Connection connection = connectionFactory.createConnection()) {
            connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE).close();
            return null;
        } catch (Exception e) {
            return "DOWN: " + e.getClass().getSimpleName();
        }
    }
}
