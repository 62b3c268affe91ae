/*
 * kiln-timer-model: the reference timer (timer_model.h) as a model
 * program.  It binds ENDPOINT, waits for a kiln bridge, and serves one
 * timer on each CHANNEL given (default: channel 0); timer N drives the
 * bridge's interrupt N.
 *
 *     kiln-timer-model ipc:///tmp/timer.sock
 *     kiln-timer-model tcp://0.0.0.0:5555 0 1      (two timers)
 *     kiln-timer-model tcp://127.0.0.1:* ...       (any free port)
 *
 * Once bound it prints "listening on ENDPOINT" (the port filled in) on
 * standard output, so a script can start kiln then.  It ends with status
 * 0 when kiln says BYE, and 1 with one line on standard error when the
 * link fails.
 */
#include "timer_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: kiln-timer-model [-t TIMEOUT_MS] [-d DELAY_NS] "
                 "ENDPOINT [CHANNEL...]\n"
                 "  -t  how long to wait for kiln's HELLO (default: no limit)\n"
                 "  -d  delay annotated on every access, in ns (default 0)\n");
}

static bool parse_u64(const char *s, uint64_t *v)
{
    char *end;

    if (!*s || *s == '-') {
        return false;
    }
    *v = strtoull(s, &end, 0);
    return *end == '\0';
}

int main(int argc, char **argv)
{
    static const char *const default_channels[] = { "0" };
    TimerModel timers[COSIM_MAX_CHANNELS];
    const char *const *channels;
    int nchannels;
    uint64_t timeout = 0, delay = 0, ch;
    bool have_timeout = false;
    CosimModel *m;
    int opt, status = 0;

    while ((opt = getopt(argc, argv, "ht:d:")) != -1) {
        switch (opt) {
        case 't':
            if (!parse_u64(optarg, &timeout) || timeout > 3600000) {
                fprintf(stderr, "kiln-timer-model: -t %s: not a timeout in "
                        "ms\n", optarg);
                return 1;
            }
            have_timeout = true;
            break;
        case 'd':
            if (!parse_u64(optarg, &delay)) {
                fprintf(stderr, "kiln-timer-model: -d %s: not a delay in ns\n",
                        optarg);
                return 1;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 1;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 1;
    }
    m = cosim_model_new(argv[optind], "c-timer");
    if (!m) {
        fprintf(stderr, "kiln-timer-model: out of memory\n");
        return 1;
    }
    if (optind + 1 == argc) {
        channels = default_channels;
        nchannels = 1;
    } else {
        channels = (const char *const *)argv + optind + 1;
        nchannels = argc - optind - 1;
    }
    for (int i = 0; i < nchannels; i++) {
        const char *arg = channels[i];

        if (!parse_u64(arg, &ch) || ch >= COSIM_MAX_CHANNELS) {
            fprintf(stderr, "kiln-timer-model: %s: not a channel (0 to %u)\n",
                    arg, COSIM_MAX_CHANNELS - 1);
            cosim_model_free(m);
            return 1;
        }
        timer_model_init(&timers[ch], m, (unsigned)ch, delay);
        if (cosim_model_add_channel(m, (unsigned)ch, &timer_model_ops,
                                    &timers[ch]) < 0) {
            fprintf(stderr, "kiln-timer-model: %s\n", cosim_model_error(m));
            cosim_model_free(m);
            return 1;
        }
    }
    if (cosim_model_bind(m) < 0) {
        status = 1;
    } else {
        printf("listening on %s\n", cosim_model_endpoint(m));
        fflush(stdout);
        if (cosim_model_connect(m, have_timeout ? (int)timeout : -1) < 0 ||
            cosim_model_run(m) < 0) {
            status = 1;
        }
    }
    if (status) {
        fprintf(stderr, "kiln-timer-model: %s\n", cosim_model_error(m));
    }
    cosim_model_free(m);
    return status;
}
