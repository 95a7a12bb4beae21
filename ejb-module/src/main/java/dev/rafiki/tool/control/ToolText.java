package dev.rafiki.tool.control;

import dev.rafiki.platform.text.StorableText;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Bytes a tool read or a command printed, as text a model can read and the database can store:
 * UTF-8, with U+FFFD where a byte sequence is not UTF-8 or is NUL (valid UTF-8, but no text column
 * takes it), and a note saying how many places that was. A file with a NUL byte is no text file
 * at all (the test {@code git} and {@code grep} use): it is described, not shown.
 */
final class ToolText {

    private ToolText() {
    }

    /**
     * @param cut whether the bytes were cut at a limit: a character the cut split in two is
     *            dropped rather than reported as not UTF-8
     */
    static String decode(byte[] bytes, int length, boolean cut) {
        int end = cut ? wholeCharacters(bytes, length) : length;
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        var in = ByteBuffer.wrap(bytes, 0, end);
        // UTF-8 never decodes to more chars than it has bytes, and each replacement stands for one byte or more
        var out = CharBuffer.allocate(end);
        int replaced = 0;
        while (true) {
            var result = decoder.decode(in, out, true);
            if (result.isUnderflow()) {
                break;
            }
            out.put(StorableText.REPLACEMENT);
            in.position(in.position() + result.length());
            replaced++;
        }
        decoder.flush(out);
        out.flip();
        var text = new StringBuilder(out);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\0') {
                text.setCharAt(i, StorableText.REPLACEMENT);
                replaced++;
            }
        }
        if (replaced > 0) {
            text.append("\n[not all text: ").append(replaced).append(replaced == 1 ? " NUL byte or invalid UTF-8 sequence"
                    : " NUL bytes or invalid UTF-8 sequences").append(" shown as ").append(StorableText.REPLACEMENT).append(']');
        }
        return text.toString();
    }

    static boolean binary(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /** What a model is told of a binary file: its size, and its SHA-256 when it was read whole. */
    static String binaryFile(long size, byte[] whole) {
        if (whole == null) {
            return "[binary file, " + size + " bytes]";
        }
        try {
            var sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(whole));
            return "[binary file, " + size + " bytes, sha256 " + sha256 + "]";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The length without a multi-byte character whose last bytes are missing. */
    static int wholeCharacters(byte[] bytes, int length) {
        for (int back = 1; back <= Math.min(4, length); back++) {
            int lead = bytes[length - back] & 0xff;
            if ((lead & 0xc0) == 0x80) {
                continue; // a continuation byte: the character starts further back
            }
            int size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
            return size > back ? length - back : length;
        }
        return length;
    }
}
