package io.trapline.recorder;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTextTest {
    @Test
    void everyCharacterRoundTripsThroughAJsonParserAndControlCharactersAreEscapedAsJacksonDoes() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x300; c++) {
            all.append(c);
        }
        all.append("\"\\/ é ✓ \uD83D\uDE00");
        StringBuilder json = new StringBuilder();
        JsonText.quote(json, all.toString());
        ObjectMapper m = new ObjectMapper();
        assertEquals(all.toString(), m.readValue(json.toString(), String.class));
        assertEquals(m.writeValueAsString("a\u0001\b\f\n\"\\"), quoted("a\u0001\b\f\n\"\\"), "as Jackson writes it");
    }

    private static String quoted(String s) {
        StringBuilder b = new StringBuilder();
        JsonText.quote(b, s);
        return b.toString();
    }
}
