/*
 * Waveforms the RTL harness writes (--trace), read back for the tests:
 * VCD (IEEE 1800-2017, 21.7) with a parser of our own, FST with GTKWave's
 * reader (fstapi, which Verilator ships beside its FST writer).  Both end
 * up as the same thing: for each signal, by its dotted hierarchical name
 * ("TOP.kiln_apb_timer.irq", no bit range), the list of its values and
 * the times it took them, so that a VCD and an FST of the same run can be
 * compared change for change.
 *
 *     Waveform *w = waveform_read_fst("timer.fst");
 *     g_assert_nonnull(w);
 *     g_assert_cmpint(waveform_first(w, "TOP.irq", 1, 0), ==, 1500);
 *     waveform_free(w);
 *
 * Only 2-state values of up to 64 bits are kept (all a Verilated design
 * traces); an x or z, or a wider signal, fails the test reading it.
 */
#ifndef TESTS_COSIM_RTL_WAVEFORM_H
#define TESTS_COSIM_RTL_WAVEFORM_H

#include <glib.h>
#include <stdint.h>

typedef struct Waveform Waveform;

/* A signal's value from TIME on. */
typedef struct WaveChange {
    int64_t time;
    uint64_t value;
} WaveChange;

/* The waveform in PATH, or NULL when PATH is not a file of that format. */
Waveform *waveform_read_vcd(const char *path);
Waveform *waveform_read_fst(const char *path);
void waveform_free(Waveform *w);

/* The time unit as a power of ten of seconds: -9 for 1 ns. */
int waveform_timescale(const Waveform *w);
/* Every signal's name, sorted (free the array, not the names). */
GPtrArray *waveform_names(const Waveform *w);
/*
 * The changes of signal NAME, in time order, each a new value (the first
 * is the value dumped at the start); NULL when there is no such signal.
 */
const GArray *waveform_changes(const Waveform *w, const char *name);
/* The first time after AFTER at which NAME takes VALUE, or -1. */
int64_t waveform_first(const Waveform *w, const char *name, uint64_t value,
                       int64_t after);
/* The value of NAME at time T (its last change at or before T). */
uint64_t waveform_value_at(const Waveform *w, const char *name, int64_t t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Waveform, waveform_free)

#endif
