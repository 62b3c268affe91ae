/*
 * Floating-point kernel: a double-precision matrix multiply with fused
 * multiply-adds, a radix-2 FFT there and back, an n-body simulation
 * (square roots and divisions) and a single-precision Mandelbrot set.
 *
 * Every operation is one IEEE 754 requires correctly rounded (add, sub,
 * mul, div, sqrt, fma, conversions, comparisons), and the code is built with
 * -ffp-contract=off, so any correct implementation gives the same bits:
 * the checksum is a hash of those bits, and bench/run.py compares it with
 * the same code run on the host.
 */
#include "bench.h"

#define N_MAT 40
#define N_FFT 1024
#define N_BODIES 5
#define N_STEPS 24000
#define MB_W 128
#define MB_H 96
#define MB_ITER 128

static double mat_a[N_MAT][N_MAT], mat_b[N_MAT][N_MAT], mat_c[N_MAT][N_MAT];
static double re[N_FFT], im[N_FFT], orig[N_FFT];

static uint32_t rng_state = 2463534242u;
static uint64_t hash = 0xcbf29ce484222325ull;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* A double in [-1, 1): int to double, then an exact scaling by 2^-31. */
static double rng_double(void)
{
    return (double)(int32_t)rng() * (1.0 / 2147483648.0);
}

/* FNV-1a over the bits of each result, so that one wrong bit shows. */
static void hash_u64(uint64_t v)
{
    hash = (hash ^ v) * 0x100000001b3ull;
}

static void hash_double(double d)
{
    union {
        double d;
        uint64_t u;
    } bits = { .d = d };

    hash_u64(bits.u);
}

static void bench_matrix(void)
{
    for (int i = 0; i < N_MAT; i++) {
        for (int j = 0; j < N_MAT; j++) {
            mat_a[i][j] = rng_double();
            mat_b[i][j] = rng_double();
        }
    }
    for (int round = 0; round < 12; round++) {
        for (int i = 0; i < N_MAT; i++) {
            for (int j = 0; j < N_MAT; j++) {
                double acc = 0.0;

                for (int k = 0; k < N_MAT; k++) {
                    acc = __builtin_fma(mat_a[i][k], mat_b[k][j], acc);
                }
                mat_c[i][j] = acc;
            }
        }
        /* Feed the product back, scaled to keep the values bounded. */
        for (int i = 0; i < N_MAT; i++) {
            for (int j = 0; j < N_MAT; j++) {
                mat_a[i][j] = mat_c[i][j] / (1.0 + __builtin_fabs(mat_c[i][j]));
            }
        }
    }
    for (int i = 0; i < N_MAT; i++) {
        hash_double(mat_c[i][i]);
        hash_double(mat_c[i][N_MAT - 1 - i]);
    }
}

/* cos and sin of X (|X| small) by their Taylor series: no libm needed. */
static void cos_sin(double x, double *c, double *s)
{
    double term_c = 1.0, term_s = x;
    double sum_c = 1.0, sum_s = x;

    for (int n = 1; n < 12; n++) {
        term_c = -term_c * x * x / (double)((2 * n - 1) * (2 * n));
        term_s = -term_s * x * x / (double)((2 * n) * (2 * n + 1));
        sum_c += term_c;
        sum_s += term_s;
    }
    *c = sum_c;
    *s = sum_s;
}

/* In-place iterative radix-2 FFT; SIGN -1 forward, +1 inverse (unscaled). */
static void fft(double sign)
{
    for (unsigned i = 0, j = 0; i < N_FFT; i++) {
        if (i < j) {
            double t = re[i];
            re[i] = re[j];
            re[j] = t;
            t = im[i];
            im[i] = im[j];
            im[j] = t;
        }
        unsigned bit = N_FFT >> 1;
        while (j & bit) {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
    }
    for (unsigned len = 2; len <= N_FFT; len <<= 1) {
        double wc, ws;

        cos_sin(sign * 6.283185307179586 / (double)len, &wc, &ws);
        for (unsigned start = 0; start < N_FFT; start += len) {
            double c = 1.0, s = 0.0;

            for (unsigned k = 0; k < len / 2; k++) {
                unsigned a = start + k, b = a + len / 2;
                double tr = re[b] * c - im[b] * s;
                double ti = re[b] * s + im[b] * c;
                double nc = c * wc - s * ws;

                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
                s = c * ws + s * wc;
                c = nc;
            }
        }
    }
}

static void bench_fft(void)
{
    double err = 0.0;

    for (int i = 0; i < N_FFT; i++) {
        orig[i] = re[i] = rng_double();
        im[i] = 0.0;
    }
    for (int round = 0; round < 16; round++) {
        fft(-1.0);
        hash_double(re[1]);
        hash_double(im[N_FFT / 3]);
        fft(1.0);
        for (int i = 0; i < N_FFT; i++) {
            re[i] *= 1.0 / N_FFT;
            im[i] *= 1.0 / N_FFT;
        }
    }
    for (int i = 0; i < N_FFT; i++) {
        double e = __builtin_fabs(re[i] - orig[i]);

        if (e > err) {
            err = e;
        }
    }
    hash_double(err);
    /* The round trips must give the input back to within rounding. */
    hash_u64(err < 1e-12);
}

static void bench_nbody(void)
{
    double x[N_BODIES][3], v[N_BODIES][3], mass[N_BODIES];
    const double dt = 0.001;
    double energy = 0.0;

    for (int i = 0; i < N_BODIES; i++) {
        for (int k = 0; k < 3; k++) {
            x[i][k] = 4.0 * rng_double();
            v[i][k] = 0.1 * rng_double();
        }
        mass[i] = 1.0 + 0.5 * rng_double();
    }
    for (int step = 0; step < N_STEPS; step++) {
        for (int i = 0; i < N_BODIES; i++) {
            for (int j = i + 1; j < N_BODIES; j++) {
                double d[3], d2 = 0.01;

                for (int k = 0; k < 3; k++) {
                    d[k] = x[i][k] - x[j][k];
                    d2 += d[k] * d[k];
                }
                double mag = dt / (d2 * __builtin_sqrt(d2));

                for (int k = 0; k < 3; k++) {
                    v[i][k] -= d[k] * mass[j] * mag;
                    v[j][k] += d[k] * mass[i] * mag;
                }
            }
        }
        for (int i = 0; i < N_BODIES; i++) {
            for (int k = 0; k < 3; k++) {
                x[i][k] += dt * v[i][k];
            }
        }
    }
    for (int i = 0; i < N_BODIES; i++) {
        energy += 0.5 * mass[i] *
                  (v[i][0] * v[i][0] + v[i][1] * v[i][1] + v[i][2] * v[i][2]);
        for (int k = 0; k < 3; k++) {
            hash_double(x[i][k]);
        }
    }
    hash_double(energy);
}

/* Single precision: iterations to escape, summed over a grid. */
static void bench_mandelbrot(void)
{
    uint64_t total = 0;

    for (int py = 0; py < MB_H; py++) {
        for (int px = 0; px < MB_W; px++) {
            float cr = -2.2f + 3.0f * (float)px / (float)MB_W;
            float ci = -1.2f + 2.4f * (float)py / (float)MB_H;
            float zr = 0.0f, zi = 0.0f;
            int n = 0;

            while (n < MB_ITER && zr * zr + zi * zi <= 4.0f) {
                float t = zr * zr - zi * zi + cr;

                zi = 2.0f * zr * zi + ci;
                zr = t;
                n++;
            }
            total = total * 31 + (uint64_t)n;
        }
    }
    hash_u64(total);
}

int main(void)
{
    bench_matrix();
    bench_fft();
    bench_nbody();
    bench_mandelbrot();
    report("fpkernel", hash);
    return 0;
}
