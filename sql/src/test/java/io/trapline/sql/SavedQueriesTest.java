package io.trapline.sql;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code trapline sql --list} says of each saved query. */
class SavedQueriesTest {
    @Test
    void everyDescriptionIsOneWholeSentence() {
        for (String name : SavedQueries.NAMES) {
            String d = SavedQueries.description(name);
            assertTrue(d.length() > 20 && d.endsWith("."), name + ": '" + d + "' (the first comment line is --list's description)");
            assertTrue(d.length() <= 140, name + ": too long for one line of --list: " + d);
        }
    }
}
