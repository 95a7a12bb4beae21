/**
 * Agent profiles: what an agent is (instructions, model and its parameters, tools, approval rules,
 * limits, output schema), validated once when written ({@link dev.rafiki.profile.control.ProfileSpec}).
 * <ul>
 * <li>Every change is a new version; a version is immutable, so sessions and prompts pin
 * (profile, version) and nodes cache versions without invalidation ({@link dev.rafiki.profile.control.ProfileCache}).
 * <li>A profile can lower the operator's limits, never raise them; it can only narrow the tools.
 * <li>Users see their own profiles and shared ones; another user's private profile is reported
 * like a missing one; only administrators create, change or delete shared profiles.
 * <li>Deleting a profile hides it from new sessions and prompts; what pinned it keeps running.
 * </ul>
 */
package dev.rafiki.profile.control;
