package dev.rafiki.client;

import java.util.List;

/**
 * A page of a workspace's files, by path; {@code usedBytes} counts all of them, {@code truncated}
 * says that directories deeper than the server looks were left out.
 */
public record FileList(List<WorkspaceFile> items, long usedBytes, long quotaBytes, boolean truncated, String nextCursor) {
}
