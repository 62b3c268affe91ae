/* The host end of a UART's unix-socket chardev (serial-socket.h). */
#include "serial-socket.h"

#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

void serial_socket_init(SerialSocket *ss, const char *tag)
{
    g_autofree char *tmpl = g_strdup_printf("%s-XXXXXX", tag);

    ss->dir = g_dir_make_tmp(tmpl, NULL);
    g_assert_nonnull(ss->dir);
    ss->path = g_build_filename(ss->dir, "serial.sock", NULL);
    ss->fd = -1;
}

void serial_socket_connect(SerialSocket *ss)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    g_assert_cmpuint(strlen(ss->path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, ss->path);
    ss->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(ss->fd, >=, 0);
    g_assert_cmpint(connect(ss->fd, (struct sockaddr *)&addr, sizeof(addr)),
                    ==, 0);
}

void serial_socket_cleanup(SerialSocket *ss)
{
    if (ss->fd >= 0) {
        close(ss->fd);
    }
    g_unlink(ss->path);
    g_rmdir(ss->dir);
    g_free(ss->path);
    g_free(ss->dir);
}

void serial_socket_send(SerialSocket *ss, const void *buf, size_t len)
{
    g_assert_cmpint(send(ss->fd, buf, len, MSG_NOSIGNAL), ==, (ssize_t)len);
}

void serial_socket_recv(SerialSocket *ss, void *buf, size_t len, int wait_ms)
{
    size_t got = 0;
    gint64 deadline = g_get_monotonic_time() + (gint64)wait_ms * 1000;

    while (got < len) {
        struct pollfd pfd = { .fd = ss->fd, .events = POLLIN };
        int left_ms = (int)((deadline - g_get_monotonic_time()) / 1000);
        ssize_t n;

        if (left_ms <= 0 || poll(&pfd, 1, left_ms) <= 0) {
            g_error("only %zu of %zu bytes came out of the socket", got, len);
        }
        n = recv(ss->fd, (char *)buf + got, len - got, 0);
        g_assert_cmpint(n, >, 0);
        got += (size_t)n;
    }
}

void serial_socket_assert_empty(SerialSocket *ss)
{
    struct pollfd pfd = { .fd = ss->fd, .events = POLLIN };

    g_assert_cmpint(poll(&pfd, 1, 0), ==, 0);
}
