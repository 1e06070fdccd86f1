package io.noa.realtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Utf8#decode}: ASCII copied as it is, anything else decoded by the WHATWG algorithm into
 * a scratch array the thread reuses. On valid UTF-8 and on every input the JDK decodes without a
 * U+FFFD, the result is the JDK's; texts of every length follow one another on one thread (the
 * scratch array is reused, grown and, past its bound, not kept) at offsets inside larger arrays.
 */
class Utf8Test {
    @Test
    void validTextOfEveryKindDecodesAsTheJdkDoes() {
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(10) == 0 ? r.nextInt(40_000) : r.nextInt(300);
            for (int k = 0; k < n; k++) {
                switch (r.nextInt(6)) {
                    case 0: b.append((char) (0x80 + r.nextInt(0x80))); break; // Latin-1
                    case 1: b.append((char) (0x100 + r.nextInt(0xD700))); break; // BMP beyond Latin-1
                    case 2: b.appendCodePoint(0x10000 + r.nextInt(0x100000)); break;
                    default: b.append((char) r.nextInt(0x80)); break;
                }
            }
            String text = r.nextInt(3) == 0 ? b.toString().replaceAll("[^\\x00-\\x7f]", "a") : b.toString();
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            byte[] padded = new byte[bytes.length + 9];
            padded[0] = (byte) 0xC3; // bytes around the text that must not be read
            padded[padded.length - 1] = (byte) 0xE2;
            System.arraycopy(bytes, 0, padded, 4, bytes.length);
            assertThat(Utf8.decode(padded, 4, bytes.length)).isEqualTo(text);
        }
    }

    @Test
    void arbitraryBytesDecodeAsTheJdkDoesWhenItReplacesNothing() {
        Random r = new Random(7);
        int replaced = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] bytes = new byte[r.nextInt(r.nextInt(20) == 0 ? 20_000 : 64)];
            for (int k = 0; k < bytes.length; k++) {
                bytes[k] = (byte) (r.nextInt(3) == 0 ? r.nextInt(256) : r.nextInt(128));
            }
            String jdk = new String(bytes, StandardCharsets.UTF_8);
            String ours = Utf8.decode(bytes, 0, bytes.length);
            if (jdk.indexOf('\uFFFD') < 0) {
                assertThat(ours).isEqualTo(jdk);
            } else {
                replaced++;
                assertThat(ours).contains("\uFFFD");
            }
        }
        assertThat(replaced).isGreaterThan(1_000);
    }

    @Test
    void maximalInvalidSubsequencesBecomeOneReplacementEach() {
        assertThat(Utf8.decode(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 0, 3)).isEqualTo("\uFFFD\uFFFD\uFFFD");
        assertThat(Utf8.decode(new byte[] {'a', (byte) 0xE2, (byte) 0x82, 'b'}, 0, 4)).isEqualTo("a\uFFFDb");
        assertThat(Utf8.decode(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, 0, 3)).isEqualTo("\uFFFD");
        assertThat(Utf8.decode(new byte[] {(byte) 0xC0, (byte) 0xAF}, 0, 2)).isEqualTo("\uFFFD\uFFFD");
        assertThat(Utf8.decode(new byte[0], 0, 0)).isEmpty();
    }
}
