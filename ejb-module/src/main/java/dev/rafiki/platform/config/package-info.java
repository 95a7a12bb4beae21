/**
 * Settings and who this node is. Every {@code rafiki.*} key of the application is declared once, as
 * a field of its feature's settings holder: a {@code @ConfigProperties} class named
 * {@code <Feature>Settings} in the feature's {@code control} package (or {@code platform.*}),
 * whose {@code @ConfigProperty} gives the key and its default. The holder's prefix is the key
 * family it holds ({@code rafiki.agents}), or {@code rafiki} when a feature owns keys of several
 * families ({@code rafiki.jobs.*}, {@code rafiki.artifacts.*}, {@code rafiki.webhooks.*}). Code
 * injects the holder ({@code @Inject @ConfigProperties PromptSettings settings}); a unit test
 * builds one with {@link dev.rafiki.platform.config.Settings#defaults(Class)} and changes what it
 * needs. Families whose key names are only known at run time ({@code rafiki.provider.<name>.*},
 * {@code rafiki.mcp.<name>.*}, {@code rafiki.ratelimit.<class>.*}) are read through
 * {@code Config} by the one class that owns them. A default that a {@code ${…}} expression of a
 * config file needs ({@code rafiki.data.dir}, {@code rafiki.stream-token.key-location}) is written
 * in that file only. {@code ConfigurationTableTest} holds all of this against README's table.
 */
package dev.rafiki.platform.config;
