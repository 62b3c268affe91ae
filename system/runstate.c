/*
 * Run state: requests to reset or end the run are recorded where they
 * happen (a device register write, a QMP command, a signal) and carried
 * out by the main loop once the current event is done, so that no device
 * is reset from inside its own MMIO handler.
 */
#include "system.h"

typedef struct ResetListener {
    ResetNotifier *fn;
    void *opaque;
} ResetListener;

Machine *current_machine;

static bool shutdown_pending;
static int exit_code;
static char *reset_reason;
static bool no_reboot;
static GArray *reset_listeners;
static bool paused;

void machine_request_shutdown(int code)
{
    if (!shutdown_pending) {
        shutdown_pending = true;
        exit_code = code;
    }
    g_main_context_wakeup(NULL);
}

void machine_request_reset(const char *reason)
{
    g_free(reset_reason);
    reset_reason = g_strdup(reason);
    g_main_context_wakeup(NULL);
}

bool machine_stop_pending(void)
{
    return shutdown_pending || reset_reason != NULL;
}

void runstate_set_no_reboot(bool on)
{
    no_reboot = on;
}

void runstate_add_reset_notifier(ResetNotifier *fn, void *opaque)
{
    ResetListener l = { fn, opaque };

    if (!reset_listeners) {
        reset_listeners = g_array_new(FALSE, FALSE, sizeof(ResetListener));
    }
    g_array_append_val(reset_listeners, l);
}

bool runstate_process_requests(void)
{
    if (reset_reason && !shutdown_pending) {
        g_autofree char *reason = g_steal_pointer(&reset_reason);
        bool guest = g_str_has_prefix(reason, "guest");

        if (guest && no_reboot) {
            machine_request_shutdown(0);
        } else {
            if (current_machine) {
                machine_reset(current_machine);
            }
            for (guint i = 0; reset_listeners && i < reset_listeners->len; i++) {
                ResetListener *l = &g_array_index(reset_listeners,
                                                  ResetListener, i);
                l->fn(l->opaque, reason, guest);
            }
        }
    }
    return shutdown_pending;
}

int runstate_exit_code(void)
{
    return exit_code;
}

void runstate_set_paused(bool on)
{
    paused = on;
    g_main_context_wakeup(NULL);
}

bool runstate_paused(void)
{
    return paused;
}
