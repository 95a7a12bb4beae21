package dev.rafiki.platform.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class DownloadsTest {

    @Test
    void aPlainNameIsKeptAsIs() {
        assertEquals("attachment; filename=\"report.csv\"; filename*=UTF-8''report.csv", Downloads.disposition("report.csv"));
    }

    @Test
    void aNameCannotEndTheParameterOrTheHeader() {
        // names come from agents: a workspace file may be called anything the file system allows
        var header = Downloads.disposition("a\"; filename=evil.html\r\nSet-Cookie: x=1\\.txt");
        assertFalse(header.contains("\r") || header.contains("\n"), header);
        assertEquals("attachment; filename=\"a_; filename=evil.html__Set-Cookie: x=1_.txt\"; "
                + "filename*=UTF-8''a%22%3B%20filename%3Devil.html%0D%0ASet-Cookie%3A%20x%3D1%5C.txt", header);
    }

    @Test
    void nonAsciiNamesTravelInFilenameStar() {
        assertEquals("attachment; filename=\"r_sum_ _.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E2%9C%93.txt",
                Downloads.disposition("résumé ✓.txt"));
    }
}
