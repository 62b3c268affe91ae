/*
 * A misbehaving cosim model, for the failure tests: real ZeroMQ, real
 * process, one broken behaviour chosen by MODE.
 *
 *     cosim-fake-model MODE ENDPOINT
 *
 *     silent          binds and never reads or answers anything
 *     version2        answers HELLO as protocol version 2
 *     truncated-hello answers HELLO with 10 bytes
 *     hang-read       a correct model until the first READ, which it never
 *                     answers
 *     die-read        as hang-read, and prints "READ" when the READ comes
 *                     (the test then kills it)
 *     truncated       answers the first READ with 10 bytes
 *     garbage         answers the first READ with a message of unknown type
 *     short-resp      answers the first READ of 4 bytes with 3 bytes of data
 *
 * Like the real models it prints "listening on ENDPOINT" once bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "wire.h"

static void *sock;

static void send_msg(const CosimMsg *m)
{
    uint8_t buf[COSIM_WIRE_MAX];

    zmq_send(sock, buf, cosim_wire_encode(m, buf), 0);
}

static void send_raw(const void *buf, size_t len)
{
    zmq_send(sock, buf, len, 0);
}

static void recv_msg(CosimMsg *m, uint8_t *buf)
{
    char why[COSIM_WIRE_ERR_LEN];
    int n = zmq_recv(sock, buf, COSIM_WIRE_MAX, 0);

    if (n < 0 || cosim_wire_decode(buf, (size_t)n, m, why, sizeof(why)) < 0) {
        fprintf(stderr, "cosim-fake-model: bad message from kiln\n");
        exit(2);
    }
}

static void answer_hello(const CosimMsg *hello, unsigned version)
{
    CosimMsg m = {
        .hdr = { .type = COSIM_HELLO, .timestamp = hello->hdr.timestamp },
        .u.hello = { .magic = COSIM_MAGIC, .version = (uint16_t)version,
                     .nchannels = hello->u.hello.nchannels,
                     .capabilities = COSIM_CAP_POSTED_WRITES },
    };

    strcpy(m.u.hello.name, "fake");
    send_msg(&m);
}

static void answer(const CosimMsg *req, uint32_t data_len)
{
    static const uint8_t zeros[COSIM_MAX_DATA];
    CosimMsg m = {
        .hdr = { .type = COSIM_RESP, .channel = req->hdr.channel,
                 .id = req->hdr.id, .timestamp = req->hdr.timestamp },
        .u.resp = { .next_event = COSIM_TIME_NEVER },
        .data = zeros,
        .data_len = data_len,
    };

    send_msg(&m);
}

int main(int argc, char **argv)
{
    uint8_t buf[COSIM_WIRE_MAX];
    char bound[256];
    size_t len = sizeof(bound);
    const char *mode;
    void *ctx;
    CosimMsg m;

    if (argc != 3) {
        fprintf(stderr, "usage: cosim-fake-model MODE ENDPOINT\n");
        return 1;
    }
    mode = argv[1];
    ctx = zmq_ctx_new();
    sock = zmq_socket(ctx, ZMQ_PAIR);
    if (zmq_bind(sock, argv[2]) < 0) {
        fprintf(stderr, "cosim-fake-model: cannot bind %s: %s\n", argv[2],
                zmq_strerror(zmq_errno()));
        return 1;
    }
    zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, bound, &len);
    printf("listening on %s\n", bound);
    fflush(stdout);

    if (strcmp(mode, "silent") == 0) {
        for (;;) {
            pause();
        }
    }
    recv_msg(&m, buf);
    if (strcmp(mode, "version2") == 0) {
        answer_hello(&m, 2);
        /* kiln answers with ERROR and goes; nothing more to do. */
        recv_msg(&m, buf);
        return 0;
    }
    if (strcmp(mode, "truncated-hello") == 0) {
        send_raw(buf, 10);
        pause();
        return 0;
    }
    answer_hello(&m, COSIM_VERSION);
    for (;;) {
        recv_msg(&m, buf);
        if (m.hdr.type == COSIM_RESET ||
            (m.hdr.type == COSIM_WRITE && (m.hdr.flags & COSIM_F_NEED_ACK))) {
            answer(&m, 0);
            continue;
        }
        if (m.hdr.type == COSIM_SYNC) {
            CosimMsg reply = {
                .hdr = { .type = COSIM_SYNC_REPLY, .id = m.hdr.id,
                         .timestamp = m.hdr.timestamp },
                .u.sync_reply.next_event = COSIM_TIME_NEVER,
            };

            send_msg(&reply);
            continue;
        }
        if (m.hdr.type != COSIM_READ) {
            continue;
        }
        if (strcmp(mode, "die-read") == 0) {
            printf("READ\n");
            fflush(stdout);
        } else if (strcmp(mode, "truncated") == 0) {
            send_raw(buf, 10);
        } else if (strcmp(mode, "garbage") == 0) {
            memset(buf, 0x77, sizeof(CosimHeader));
            memset(buf + 12, 0, 4);
            send_raw(buf, sizeof(CosimHeader));
        } else if (strcmp(mode, "short-resp") == 0) {
            answer(&m, m.u.access.size - 1);
        }
        for (;;) {
            pause();
        }
    }
}
