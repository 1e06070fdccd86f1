package io.noa.realtime.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LineEndsTest {

    private static int naive(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] == '\n' || a[i] == '\r') {
                return i;
            }
        }
        return -1;
    }

    @Test
    void agreesWithAByteLoopOnRandomArrays() {
        // bytes near CR/LF and their high-bit twins, where a word trick could misfire
        byte[] alphabet = {'\n', '\r', 0x0B, 0x0C, 0x09, 0x0E, 0x00, 0x01, (byte) 0x8A, (byte) 0x8D, (byte) 0xFF,
            (byte) 0x80, 'a', ' ', 0x7F, 0x1A, 0x2D};
        Random rnd = new Random(7);
        for (int run = 0; run < 20_000; run++) {
            byte[] a = new byte[rnd.nextInt(40)];
            int density = 1 + rnd.nextInt(30);
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextInt(density) == 0 ? alphabet[rnd.nextInt(2)] : alphabet[2 + rnd.nextInt(alphabet.length - 2)];
            }
            int from = a.length == 0 ? 0 : rnd.nextInt(a.length + 1);
            int to = from + rnd.nextInt(a.length - from + 1);
            assertThat(LineEnds.find(a, from, to)).as("run %d", run).isEqualTo(naive(a, from, to));
        }
    }

    @Test
    void skipsOtherControlBytesBeforeTheLineEndInTheSameOrANextWord() {
        for (byte control : new byte[] {'\t', 0x00, 0x0B, 0x0C, 0x01, 0x0E}) {
            for (int c = 0; c < 24; c++) {
                for (int at = c + 1; at < 32; at++) {
                    byte[] a = new byte[32];
                    java.util.Arrays.fill(a, (byte) 'x');
                    a[c] = control;
                    a[at] = (byte) (at % 2 == 0 ? '\n' : '\r');
                    assertThat(LineEnds.find(a, 0, 32)).as("control %d at %d, end at %d", control, c, at).isEqualTo(at);
                }
                byte[] none = new byte[32];
                java.util.Arrays.fill(none, (byte) 'x');
                none[c] = control;
                assertThat(LineEnds.find(none, 0, 32)).isEqualTo(-1);
            }
        }
    }

    @Test
    void findsEachPositionInALongLine() {
        for (int at = 0; at < 64; at++) {
            for (byte end : new byte[] {'\n', '\r'}) {
                byte[] a = new byte[64];
                java.util.Arrays.fill(a, (byte) 'x');
                a[at] = end;
                assertThat(LineEnds.find(a, 0, 64)).isEqualTo(at);
                assertThat(LineEnds.find(a, 0, at)).isEqualTo(-1);
            }
        }
    }
}
