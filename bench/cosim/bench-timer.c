/*
 * cosim-bench-timer: the C reference timer (models/c/timer_model.h) as a
 * model program for bench/cosim/quantum.py, one timer on channel 0, which
 * can promise kiln that it is event-driven:
 *
 *     cosim-bench-timer [-e] ENDPOINT
 *
 * -e: cosim_model_set_event_driven(), so that kiln SYNCs the timer at its
 * matches only, not every quantum (the timer's next_event is exact, which
 * is what the promise asks).  Without it, it is kiln-timer-model.  Prints
 * "listening on ENDPOINT" once bound; ends with status 0 when kiln says
 * BYE, 1 with a line on standard error when the link fails.
 */
#include "timer_model.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    bool event_driven = argc == 3 && strcmp(argv[1], "-e") == 0;
    TimerModel timer;
    CosimModel *m;
    int status = 0;

    if (argc != 2 && !event_driven) {
        fprintf(stderr, "usage: cosim-bench-timer [-e] ENDPOINT\n");
        return 1;
    }
    m = cosim_model_new(argv[argc - 1], "bench-timer");
    if (!m) {
        fprintf(stderr, "cosim-bench-timer: out of memory\n");
        return 1;
    }
    timer_model_init(&timer, m, 0, 0);
    cosim_model_set_event_driven(m, event_driven);
    if (cosim_model_add_channel(m, 0, &timer_model_ops, &timer) < 0 ||
        cosim_model_bind(m) < 0) {
        status = 1;
    } else {
        printf("listening on %s\n", cosim_model_endpoint(m));
        fflush(stdout);
        if (cosim_model_connect(m, -1) < 0 || cosim_model_run(m) < 0) {
            status = 1;
        }
    }
    if (status) {
        fprintf(stderr, "cosim-bench-timer: %s\n", cosim_model_error(m));
    }
    cosim_model_free(m);
    return status;
}
