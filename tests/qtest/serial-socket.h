/*
 * The host end of a UART's unix-socket chardev, for the UART tests: kiln
 * serves "-serial unix:PATH,server=on,wait=off" and the test connects.
 */
#ifndef KILN_TESTS_SERIAL_SOCKET_H
#define KILN_TESTS_SERIAL_SOCKET_H

#include <glib.h>

typedef struct SerialSocket {
    char *dir;
    char *path;             /* give kiln "-serial unix:PATH,server=on,wait=off" */
    int fd;
} SerialSocket;

/* A socket path in a new temporary directory named after TAG. */
void serial_socket_init(SerialSocket *ss, const char *tag);
/* Connect to the socket kiln serves at ss->path. */
void serial_socket_connect(SerialSocket *ss);
void serial_socket_cleanup(SerialSocket *ss);
void serial_socket_send(SerialSocket *ss, const void *buf, size_t len);
/* Read exactly LEN bytes, failing the test after WAIT_MS. */
void serial_socket_recv(SerialSocket *ss, void *buf, size_t len, int wait_ms);
/* Nothing more is waiting in the socket. */
void serial_socket_assert_empty(SerialSocket *ss);

#endif
