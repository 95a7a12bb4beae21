/**
 * Sessions' workspaces. Guarantees: one path rule for the tools and the HTTP routes
 * ({@link dev.rafiki.workspace.control.Workspace#resolve}: relative, never leaving the workspace,
 * never through a symbolic link), and over HTTP it holds at the moment of use too (directory
 * handles, no link followed); an upload replaces a file in one atomic rename, so a tool sees the
 * old file or the new one, whole; uploads respect the session's quota; workspaces idle longer than
 * the retention, with no active prompt (queued, running or waiting for a person, as the prompt
 * feature answers through {@link dev.rafiki.workspace.control.ActivePrompts}) and no live claim, are removed; a fork gets a copy of its source's workspace
 * (links copied as links, never followed).
 */
package dev.rafiki.workspace.control;
