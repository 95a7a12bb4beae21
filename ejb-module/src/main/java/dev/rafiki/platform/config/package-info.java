/**
 * Settings and who this node is. Every {@code rafiki.*} key of the application is declared once, as
 * a field of its feature's settings holder: a {@code @Dependent} class named {@code <Feature>Settings}
 * in the feature's {@code control} package (or {@code platform.*}), whose
 * {@code @Inject @ConfigProperty} gives the key and its default. Code injects the holder
 * ({@code @Inject PromptSettings settings}) and reads its public fields; a unit test builds one
 * with {@link dev.rafiki.platform.config.Settings#defaults(Class)} and changes what it needs.
 * <p>
 * Not {@code @ConfigProperties}: on WildFly 37 the EAR's EJB module could not inject one (SmallRye
 * Config found no mapping for the class; see docs/platform-notes.md). A {@code @Dependent} holder
 * of injected fields is what a {@code @ConfigProperties} bean would be (its scope is dependent
 * too), works on the three servers, and keeps its fields readable: a normal-scoped bean would hand
 * out a client proxy, whose fields are not the bean's.
 * <p>
 * Families whose key names are only known at run time ({@code rafiki.provider.<name>.*},
 * {@code rafiki.mcp.<name>.*}, {@code rafiki.ratelimit.<class>.*}) are read through {@code Config}
 * by the one class that owns each. A default that a {@code ${…}} expression of a config file needs
 * ({@code rafiki.data.dir}, {@code rafiki.stream-token.key-location}) is written in that file only.
 * {@code ConfigurationTableTest} holds all of this against README's table.
 */
package dev.rafiki.platform.config;
