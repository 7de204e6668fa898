package io.trapline.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TerminalTest {
    @Test
    void terminalsAreTerminalsAndFilesPipesAndNullAreNot() {
        assertTrue(Terminal.isTerminalDevice("/dev/pts/3"));
        assertTrue(Terminal.isTerminalDevice("/dev/tty1"));
        assertTrue(Terminal.isTerminalDevice("/dev/console"));
        assertFalse(Terminal.isTerminalDevice("/tmp/record.log"));
        assertFalse(Terminal.isTerminalDevice("pipe:[123456]"));
        assertFalse(Terminal.isTerminalDevice("/dev/null"));
        assertFalse(Terminal.isTerminalDevice("socket:[99]"));
    }

    @Test
    void underTheTestRunnerStderrIsNotATerminal() {
        // surefire captures the forked JVM's standard error through a pipe or file
        assertFalse(Terminal.stderrIsTerminal());
    }
}
