package dev.rafiki.platform.db;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.hibernate.SessionFactory;

/**
 * Brings the schema to the current version at start (Flyway, versioned SQL in the persistence
 * module), then has Hibernate validate the mapping against it. Hibernate never generates schema.
 * Everything that touches the database at start depends on this bean.
 */
@DataSourceDefinition(
        name = SchemaMigrator.DATA_SOURCE,
        // Payara resolves ${MPCONFIG=...} from MicroProfile Config, so RAFIKI_DB_URL and friends
        // switch the database without a rebuild; defaults are in this module's config file.
        // WildFly understands neither these placeholders nor the fish.payara.* properties: there
        // META-INF/jboss-ejb3.xml replaces this definition with WildFly's own datasource.
        className = "org.postgresql.ds.PGSimpleDataSource",
        url = "${MPCONFIG=rafiki.db.url}",
        user = "${MPCONFIG=rafiki.db.user}",
        password = "${MPCONFIG=rafiki.db.password}",
        minPoolSize = 2,
        maxPoolSize = 48,
        // A dead database must fail requests fast (503), never hang them: connections are
        // validated when handed out (not all dropped at the first failure, which would also close
        // the ones running prompts hold), a new one gives up after the connect
        // timeout, a request waits at most max-wait for a pooled one, and a socket that stops
        // answering (a network cut without a reset) fails after the socket timeout.
        // Validation runs a query: the auto-commit method never touches the network and so passed
        // connections that a database restart had killed. A connection validated within the last
        // validate-period is handed out as it is (HikariCP's "alive bypass" idea): under load every
        // checkout paid a round trip plus a class lookup under the web class loader's lock, about
        // five per job, and a connection that broke in between fails its call as a 503 anyway.
        properties = {"fish.payara.is-connection-validation-required=true",
                      "fish.payara.connection-validation-method=custom-validation",
                      "fish.payara.validation-classname=org.glassfish.api.jdbc.validation.PostgresConnectionValidation",
                      "fish.payara.validate-atmost-once-period-in-seconds=${MPCONFIG=rafiki.db.validate-period-seconds}",
                      "fish.payara.max-wait-time-in-millis=${MPCONFIG=rafiki.db.max-wait-ms}",
                      "connectTimeout=${MPCONFIG=rafiki.db.connect-timeout-seconds}",
                      "socketTimeout=${MPCONFIG=rafiki.db.socket-timeout-seconds}"})
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SchemaMigrator {

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class.getName());

    public static final String DATA_SOURCE = "java:app/jdbc/rafiki";

    @Resource(lookup = DATA_SOURCE)
    DataSource dataSource;

    @PersistenceUnit(unitName = "rafiki")
    EntityManagerFactory emf;

    @PostConstruct
    void migrate() {
        var result = Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info(() -> "database schema at version " + result.targetSchemaVersion
                + " (" + result.migrationsExecuted + " migration(s) applied now)");
        emf.unwrap(SessionFactory.class).getSchemaManager().validateMappedObjects();
    }
}
