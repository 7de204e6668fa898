package io.trapline.guest.tcp;

/** What an application learns about its connection. Calls come from the stack, in virtual time. */
public interface TcpHandler {

    /** The three-way handshake completed. */
    default void connected(TcpConnection c) {
    }

    /** New bytes (or the peer's FIN) are waiting in the receive buffer; read them with {@link TcpConnection#read}. */
    default void readable(TcpConnection c) {
    }

    /** Send-buffer space was freed by an ACK. */
    default void writable(TcpConnection c) {
    }

    /** The connection is finished: both FINs exchanged (now in TIME_WAIT or closed), reset, or timed out. */
    default void closed(TcpConnection c, boolean reset) {
    }
}
