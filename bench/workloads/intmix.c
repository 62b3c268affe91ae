/*
 * Integer mix: sorting, CRC-32, matrix multiply, pointer chasing and
 * division, each a few million instructions, eight rounds, with a checksum
 * so that a wrong result shows.
 */
#include "bench.h"

#define N_SORT 4096
#define N_MAT 48
#define N_CHASE 8192

static uint32_t data[N_SORT];
static uint32_t mat_a[N_MAT][N_MAT], mat_b[N_MAT][N_MAT], mat_c[N_MAT][N_MAT];
static uint32_t next_index[N_CHASE];
static uint8_t bytes[65536];

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void sift_down(uint32_t *a, int start, int end)
{
    int root = start;

    while (2 * root + 1 <= end) {
        int child = 2 * root + 1;

        if (child + 1 <= end && a[child] < a[child + 1]) {
            child++;
        }
        if (a[root] >= a[child]) {
            return;
        }
        uint32_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static uint64_t bench_sort(void)
{
    uint64_t sum = 0;

    for (int i = 0; i < N_SORT; i++) {
        data[i] = rng();
    }
    for (int start = N_SORT / 2 - 1; start >= 0; start--) {
        sift_down(data, start, N_SORT - 1);
    }
    for (int end = N_SORT - 1; end > 0; end--) {
        uint32_t t = data[0];
        data[0] = data[end];
        data[end] = t;
        sift_down(data, 0, end - 1);
    }
    for (int i = 1; i < N_SORT; i++) {
        if (data[i - 1] > data[i]) {
            return 0;
        }
        sum += data[i] * (uint64_t)i;
    }
    return sum;
}

static uint64_t bench_crc(void)
{
    uint32_t crc = 0xffffffffu;

    for (unsigned i = 0; i < sizeof(bytes); i++) {
        bytes[i] = (uint8_t)rng();
    }
    for (int round = 0; round < 4; round++) {
        for (unsigned i = 0; i < sizeof(bytes); i++) {
            crc ^= bytes[i];
            for (int k = 0; k < 8; k++) {
                crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
            }
        }
    }
    return ~crc;
}

static uint64_t bench_matrix(void)
{
    uint64_t sum = 0;

    for (int i = 0; i < N_MAT; i++) {
        for (int j = 0; j < N_MAT; j++) {
            mat_a[i][j] = rng() & 0xffff;
            mat_b[i][j] = rng() & 0xffff;
        }
    }
    for (int i = 0; i < N_MAT; i++) {
        for (int j = 0; j < N_MAT; j++) {
            uint32_t acc = 0;

            for (int k = 0; k < N_MAT; k++) {
                acc += mat_a[i][k] * mat_b[k][j];
            }
            mat_c[i][j] = acc;
            sum += acc;
        }
    }
    return sum;
}

static uint64_t bench_chase(void)
{
    uint32_t p = 0;

    /* A single cycle through every slot, in random order (Sattolo). */
    for (int i = 0; i < N_CHASE; i++) {
        next_index[i] = (uint32_t)i;
    }
    for (int i = N_CHASE - 1; i > 0; i--) {
        int j = (int)(rng() % (uint32_t)i);
        uint32_t t = next_index[i];
        next_index[i] = next_index[j];
        next_index[j] = t;
    }
    for (int i = 0; i < 40 * N_CHASE; i++) {
        p = next_index[p];
    }
    return p;
}

static uint64_t bench_div(void)
{
    uint64_t sum = 0;

    for (uint64_t i = 1; i < 200000; i++) {
        uint64_t x = (uint64_t)rng() << 20 | rng();

        sum += x / i + x % (i | 1) + (uint64_t)((int64_t)x / -(int64_t)i);
    }
    return sum;
}

int main(void)
{
    uint64_t sum = 0;

    /*
     * Rounds of the whole mix (each on fresh random data): enough work
     * that QEMU's start-up, tens of milliseconds, stays small beside it.
     */
    for (int round = 0; round < 8; round++) {
        sum += bench_sort();
        sum += bench_crc();
        sum += bench_matrix();
        sum += bench_chase();
        sum += bench_div();
    }
    report("intmix", sum);
    return 0;
}
