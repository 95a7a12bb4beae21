package dev.rafiki.platform.jpa;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.hibernate.engine.transaction.jta.platform.internal.SunOneJtaPlatform;
import org.hibernate.engine.transaction.jta.platform.spi.JtaPlatform;
import org.hibernate.engine.transaction.jta.platform.spi.JtaPlatformProvider;

/**
 * Names the JTA platform on GlassFish and Payara, the servers Hibernate cannot recognise by
 * itself; everywhere else it answers nothing and Hibernate's own detection (or the server's
 * integration: WildFly replaces the whole choice with its own platform) decides. This used to be
 * {@code hibernate.transaction.jta.platform=SunOne} in persistence.xml, which every server
 * obeys: on WildFly that platform looks for the transaction manager at a JNDI name only
 * GlassFish binds.
 */
public class GlassFishJtaPlatformProvider implements JtaPlatformProvider {

    /** Where GlassFish and Payara bind their transaction manager (what SunOneJtaPlatform looks up). */
    static final String TRANSACTION_MANAGER = "java:appserver/TransactionManager";

    @Override
    public JtaPlatform getProvidedJtaPlatform() {
        try {
            new InitialContext().lookup(TRANSACTION_MANAGER);
            return new SunOneJtaPlatform();
        } catch (NamingException | RuntimeException notGlassFish) {
            return null;
        }
    }
}
