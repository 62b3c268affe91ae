/*
 * kiln-sc-timer: the SystemC timer (sc_timer.h) as a cosim model.
 *
 *     kiln-sc-timer [--timeout-ms=MS] ENDPOINT
 *
 * binds ENDPOINT (ipc:///tmp/timer.sock, tcp://0.0.0.0:5555, or
 * tcp://127.0.0.1:* for any free port), prints "listening on ENDPOINT"
 * (the port filled in) on standard output, waits for a kiln bridge to
 * connect (for MS ms; without the option, as long as it takes) and serves
 * the timer as the bridge's channel 0, its interrupt as the bridge's line
 * 0, until kiln exits.  Exit status 0 after kiln's BYE, 1 with one line
 * on standard error when the link fails, 2 for a usage error.
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cosim_sc_adapter.h"
#include "sc_timer.h"

static int usage(void)
{
    fprintf(stderr, "usage: kiln-sc-timer [--timeout-ms=MS] ENDPOINT\n");
    return 2;
}

int sc_main(int argc, char **argv)
{
    const char *endpoint = nullptr;
    int timeout_ms = -1;

    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--timeout-ms=", 13)) {
            char *end;
            long ms = strtol(argv[i] + 13, &end, 10);

            if (*end || end == argv[i] + 13 || ms < 0 || ms > INT32_MAX) {
                return usage();
            }
            timeout_ms = (int)ms;
        } else if (argv[i][0] == '-' || endpoint) {
            return usage();
        } else {
            endpoint = argv[i];
        }
    }
    if (!endpoint) {
        return usage();
    }

    ScTimer timer("timer");
    sc_core::sc_signal<bool> timer_irq("timer_irq");
    CosimScAdapter link("sc-timer", endpoint, 1, 1);

    link.bus[0].bind(timer.socket);
    timer.irq(timer_irq);
    link.irq[0](timer_irq);
    link.set_reset(0, [&timer] { timer.reset(); });
    if (link.bind() < 0) {
        fprintf(stderr, "kiln-sc-timer: %s\n", link.error().c_str());
        return 1;
    }
    printf("listening on %s\n", link.endpoint());
    fflush(stdout);
    if (link.serve(timeout_ms) < 0) {
        fprintf(stderr, "kiln-sc-timer: %s\n", link.error().c_str());
        return 1;
    }
    return 0;
}
