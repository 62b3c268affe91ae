/*
 * The virtual clock: timers fire in deadline order, ties in arming order,
 * each callback sees the exact time it was due, and tick conversions hold
 * at the extremes of time and frequency.
 */
#include "kiln/clock.h"

/* What the callbacks saw, in firing order. */
typedef struct Firing {
    int id;
    int64_t now;
} Firing;

static Firing fired[64];
static int nr_fired;

typedef struct TestTimer {
    Timer timer;
    int id;
    int64_t period;         /* re-arm this far ahead when > 0 */
    Timer *victim;          /* delete this timer when firing */
    Timer *chained;         /* arm this timer at the current time */
} TestTimer;

static void test_timer_cb(void *opaque)
{
    TestTimer *tt = opaque;

    g_assert_cmpint(nr_fired, <, (int)G_N_ELEMENTS(fired));
    fired[nr_fired].id = tt->id;
    fired[nr_fired].now = clock_now();
    nr_fired++;
    if (tt->period > 0) {
        timer_mod(&tt->timer, clock_now() + tt->period);
    }
    if (tt->victim) {
        timer_del(tt->victim);
    }
    if (tt->chained) {
        timer_mod(tt->chained, clock_now());
    }
}

static void test_timer_init(TestTimer *tt, int id)
{
    memset(tt, 0, sizeof(*tt));
    tt->id = id;
    timer_init(&tt->timer, test_timer_cb, tt);
}

static void reset(void)
{
    clock_init();
    nr_fired = 0;
}

static void test_deadline_order(void)
{
    static const int64_t deadlines[] = { 300, 100, 700, 200, 500, 400, 600 };
    TestTimer t[G_N_ELEMENTS(deadlines)];

    reset();
    for (size_t i = 0; i < G_N_ELEMENTS(deadlines); i++) {
        test_timer_init(&t[i], (int)deadlines[i]);
        timer_mod(&t[i].timer, deadlines[i]);
    }
    g_assert_cmpint(clock_advance_to(1000), ==, 1000);
    g_assert_cmpint(clock_now(), ==, 1000);
    g_assert_cmpint(nr_fired, ==, 7);
    for (int i = 0; i < nr_fired; i++) {
        /* Each callback ran with the clock at its own deadline. */
        g_assert_cmpint(fired[i].id, ==, (i + 1) * 100);
        g_assert_cmpint(fired[i].now, ==, (i + 1) * 100);
    }
}

static void test_equal_deadlines_fire_in_arming_order(void)
{
    TestTimer t[20];

    reset();
    for (int i = 0; i < 20; i++) {
        test_timer_init(&t[i], i);
        timer_mod(&t[i].timer, 50);
    }
    /* Re-arming at the same deadline moves a timer to the back. */
    timer_mod(&t[3].timer, 50);
    clock_advance_to(50);
    g_assert_cmpint(nr_fired, ==, 20);
    for (int i = 0; i < 19; i++) {
        g_assert_cmpint(fired[i].id, ==, i < 3 ? i : i + 1);
    }
    g_assert_cmpint(fired[19].id, ==, 3);
}

static void test_periodic_rearm(void)
{
    TestTimer t;

    reset();
    test_timer_init(&t, 1);
    t.period = 1000;
    timer_mod(&t.timer, 1000);
    clock_advance_to(10500);
    g_assert_cmpint(nr_fired, ==, 10);
    for (int i = 0; i < 10; i++) {
        g_assert_cmpint(fired[i].now, ==, (i + 1) * 1000);
    }
    g_assert_cmpint(clock_now(), ==, 10500);
    g_assert_true(timer_pending(&t.timer));
    g_assert_cmpint(clock_next_deadline(), ==, 11000);
}

static void test_arm_at_now_fires_in_same_advance(void)
{
    TestTimer a, b;

    reset();
    test_timer_init(&a, 1);
    test_timer_init(&b, 2);
    a.chained = &b.timer;
    timer_mod(&a.timer, 100);
    clock_advance_to(100);
    g_assert_cmpint(nr_fired, ==, 2);
    g_assert_cmpint(fired[1].id, ==, 2);
    g_assert_cmpint(fired[1].now, ==, 100);
}

static void test_timer_del(void)
{
    TestTimer a, b;

    reset();
    test_timer_init(&a, 1);
    test_timer_init(&b, 2);
    timer_mod(&a.timer, 100);
    timer_mod(&b.timer, 200);
    g_assert_true(timer_pending(&a.timer));
    timer_del(&a.timer);
    g_assert_false(timer_pending(&a.timer));
    /* Deleting a timer that is not armed is harmless. */
    timer_del(&a.timer);
    clock_advance_to(1000);
    g_assert_cmpint(nr_fired, ==, 1);
    g_assert_cmpint(fired[0].id, ==, 2);
    g_assert_false(timer_pending(&b.timer));
}

static void test_del_other_from_callback(void)
{
    TestTimer a, b, c;

    reset();
    test_timer_init(&a, 1);
    test_timer_init(&b, 2);
    test_timer_init(&c, 3);
    a.victim = &b.timer;
    timer_mod(&a.timer, 100);
    timer_mod(&b.timer, 200);
    timer_mod(&c.timer, 300);
    clock_advance_to(1000);
    g_assert_cmpint(nr_fired, ==, 2);
    g_assert_cmpint(fired[0].id, ==, 1);
    g_assert_cmpint(fired[1].id, ==, 3);
    g_assert_cmpint(fired[1].now, ==, 300);
}

static void test_next_deadline(void)
{
    TestTimer a, b;

    reset();
    test_timer_init(&a, 1);
    test_timer_init(&b, 2);
    g_assert_cmpint(clock_next_deadline(), ==, -1);
    timer_mod(&a.timer, 500);
    timer_mod(&b.timer, 300);
    g_assert_cmpint(clock_next_deadline(), ==, 300);
    /* Re-arming later moves the earliest deadline with it. */
    timer_mod(&b.timer, 800);
    g_assert_cmpint(clock_next_deadline(), ==, 500);
    clock_advance_to(500);
    g_assert_cmpint(clock_next_deadline(), ==, 800);
    timer_del(&b.timer);
    g_assert_cmpint(clock_next_deadline(), ==, -1);
}

static void test_advance_to_past(void)
{
    TestTimer a;

    reset();
    test_timer_init(&a, 1);
    clock_advance_to(1000);
    timer_mod(&a.timer, 2000);
    g_assert_cmpint(clock_advance_to(500), ==, 1000);
    g_assert_cmpint(clock_now(), ==, 1000);
    g_assert_cmpint(nr_fired, ==, 0);
    g_assert_true(timer_pending(&a.timer));
}

static void test_clock_init_forgets_timers(void)
{
    TestTimer a;

    reset();
    test_timer_init(&a, 1);
    timer_mod(&a.timer, 100);
    clock_init();
    g_assert_false(timer_pending(&a.timer));
    g_assert_cmpint(clock_next_deadline(), ==, -1);
    clock_advance_to(1000);
    g_assert_cmpint(nr_fired, ==, 0);
}

/*
 * Many timers armed in random order, some removed from the middle of the
 * heap and re-armed: draining them one by one never goes backwards, so
 * the root was always the minimum.
 */
static void test_many_timers_random(void)
{
    enum { N = 500 };
    Timer *t = g_new(Timer, N);
    int64_t last = -1;
    GRand *rand = g_rand_new_with_seed(1);

    reset();
    for (int i = 0; i < N; i++) {
        timer_init(&t[i], NULL, NULL);
        timer_mod(&t[i], g_rand_int_range(rand, 1, 100000));
    }
    /* Remove and re-arm a third of them to exercise holes in the heap. */
    for (int i = 0; i < N; i += 3) {
        timer_del(&t[i]);
        timer_mod(&t[i], g_rand_int_range(rand, 1, 100000));
    }
    for (int i = 0; i < N; i++) {
        int64_t d = clock_next_deadline();
        int found = -1;

        g_assert_cmpint(d, >=, last);
        for (int j = 0; j < N; j++) {
            if (timer_pending(&t[j]) && t[j].deadline == d) {
                found = j;
                break;
            }
        }
        g_assert_cmpint(found, >=, 0);
        timer_del(&t[found]);
        last = d;
    }
    g_assert_cmpint(clock_next_deadline(), ==, -1);
    g_rand_free(rand);
    g_free(t);
}

static void test_ticks_conversions(void)
{
    const int64_t ns_max = INT64_C(1) << 62;

    g_assert_cmpuint(clock_ns_to_ticks(NS_PER_SEC, 10000000), ==, 10000000);
    g_assert_cmpint(clock_ticks_to_ns(10000000, 10000000), ==, NS_PER_SEC);

    /* 2^62 ns at 1 GHz and 3 GHz: the products need more than 64 bits. */
    g_assert_cmpuint(clock_ns_to_ticks(ns_max, 1000000000), ==,
                     (uint64_t)ns_max);
    g_assert_cmpuint(clock_ns_to_ticks(ns_max, 3000000000u), ==,
                     3 * (uint64_t)ns_max);
    g_assert_cmpint(clock_ticks_to_ns(3 * (uint64_t)ns_max, 3000000000u), ==,
                    ns_max);
    /* 10 GHz for 10^18 ns is 10^19 ticks, still within 64 bits. */
    g_assert_cmpuint(clock_ns_to_ticks(INT64_C(1000000000000000000),
                                       UINT64_C(10000000000)), ==,
                     UINT64_C(10000000000000000000));
    g_assert_cmpint(clock_ticks_to_ns(UINT64_C(10000000000000000000),
                                      UINT64_C(10000000000)), ==,
                    INT64_C(1000000000000000000));
    /* Beyond 64 bits the count saturates rather than wrapping. */
    g_assert_cmpuint(clock_ns_to_ticks(ns_max, UINT64_C(10000000000)), ==,
                     UINT64_MAX);
    g_assert_cmpint(clock_ticks_to_ns(UINT64_MAX, 1), ==, INT64_MAX);
    g_assert_cmpint(clock_ticks_to_ns(UINT64_MAX, UINT64_C(10000000000)), ==,
                    INT64_C(1844674407370955162));

    /*
     * ns -> ticks counts whole ticks; ticks -> ns is the first instant at
     * which they have all elapsed.  At 3 Hz one tick is 333333333.3 ns.
     */
    g_assert_cmpuint(clock_ns_to_ticks(333333333, 3), ==, 0);
    g_assert_cmpuint(clock_ns_to_ticks(333333334, 3), ==, 1);
    g_assert_cmpint(clock_ticks_to_ns(1, 3), ==, 333333334);
    g_assert_cmpuint(clock_ns_to_ticks(0, UINT64_C(10000000000)), ==, 0);
    g_assert_cmpuint(clock_ns_to_ticks(-5, 1000), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/clock/deadline-order", test_deadline_order);
    g_test_add_func("/clock/equal-deadlines-arming-order",
                    test_equal_deadlines_fire_in_arming_order);
    g_test_add_func("/clock/periodic-rearm", test_periodic_rearm);
    g_test_add_func("/clock/arm-at-now-fires-same-advance",
                    test_arm_at_now_fires_in_same_advance);
    g_test_add_func("/clock/timer-del", test_timer_del);
    g_test_add_func("/clock/del-other-from-callback",
                    test_del_other_from_callback);
    g_test_add_func("/clock/next-deadline", test_next_deadline);
    g_test_add_func("/clock/advance-to-past", test_advance_to_past);
    g_test_add_func("/clock/init-forgets-timers",
                    test_clock_init_forgets_timers);
    g_test_add_func("/clock/many-timers-random", test_many_timers_random);
    g_test_add_func("/clock/ticks-conversions", test_ticks_conversions);
    return g_test_run();
}
