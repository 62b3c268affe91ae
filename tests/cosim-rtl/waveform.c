/*
 * The reader behind waveform.h.  A signal is known by an identifier of
 * its file (a VCD identifier code, an FST handle); several names may
 * share one (a port seen from two scopes), as both formats allow.
 */
#include "waveform.h"

#include "fstapi.h"

#include <stdbool.h>
#include <string.h>

typedef struct Signal {
    unsigned width;
    GArray *changes;            /* WaveChange */
} Signal;

struct Waveform {
    int timescale;
    GHashTable *ids;            /* name -> identifier */
    GHashTable *signals;        /* identifier -> Signal */
};

static void signal_free(gpointer p)
{
    Signal *s = p;

    g_array_unref(s->changes);
    g_free(s);
}

static Waveform *waveform_new(void)
{
    Waveform *w = g_new0(Waveform, 1);

    w->ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    w->signals = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       signal_free);
    return w;
}

void waveform_free(Waveform *w)
{
    g_hash_table_unref(w->ids);
    g_hash_table_unref(w->signals);
    g_free(w);
}

/* Signal NAME (SCOPES joined by dots, then NAME) is identifier ID. */
static void waveform_declare(Waveform *w, GPtrArray *scopes, const char *name,
                             const char *id, unsigned width)
{
    GString *full = g_string_new(NULL);
    Signal *s;

    for (guint i = 0; i < scopes->len; i++) {
        g_string_append_printf(full, "%s.", (char *)scopes->pdata[i]);
    }
    g_string_append(full, name);
    if (width == 0 || width > 64) {
        g_error("signal %s is %u bits wide: only 1 to 64 are read",
                full->str, width);
    }
    s = g_hash_table_lookup(w->signals, id);
    if (!s) {
        s = g_new0(Signal, 1);
        s->width = width;
        s->changes = g_array_new(FALSE, FALSE, sizeof(WaveChange));
        g_hash_table_insert(w->signals, g_strdup(id), s);
    } else if (s->width != width) {
        g_error("signal %s is %u bits wide, its alias %u", full->str, width,
                s->width);
    }
    g_hash_table_insert(w->ids, g_string_free(full, FALSE), g_strdup(id));
}

/* Identifier ID takes the binary value BITS (most significant first). */
static void waveform_change(Waveform *w, const char *id, int64_t time,
                            const char *bits)
{
    Signal *s = g_hash_table_lookup(w->signals, id);
    size_t n = strlen(bits);
    uint64_t value = 0;
    WaveChange *last;

    if (!s) {
        g_error("a value for identifier %s, which no signal has", id);
    }
    /* VCD drops leading zeros (21.7.2.1); FST writes them all. */
    if (n == 0 || n > s->width) {
        g_error("value '%s' for a %u-bit signal", bits, s->width);
    }
    for (size_t i = 0; i < n; i++) {
        if (bits[i] != '0' && bits[i] != '1') {
            g_error("value '%s' at %" G_GINT64_FORMAT ": only 0 and 1 are "
                    "read", bits, time);
        }
        value = value << 1 | (uint64_t)(bits[i] - '0');
    }
    last = s->changes->len ? &g_array_index(s->changes, WaveChange,
                                            s->changes->len - 1)
                           : NULL;
    if (last && time < last->time) {
        g_error("time goes back from %" G_GINT64_FORMAT " to %"
                G_GINT64_FORMAT, last->time, time);
    }
    if (last && last->value == value) {
        return;
    }
    if (last && last->time == time) {
        last->value = value;
        return;
    }
    g_array_append_val(s->changes, ((WaveChange){ time, value }));
}

/* --- VCD --- */

/* "1ns", "10 us", ...: the power of ten of seconds, or 1 when not one. */
static int vcd_timescale(const char *text)
{
    static const char *const units[] = { "s", "ms", "us", "ns", "ps", "fs" };
    char *unit;
    guint64 n = g_ascii_strtoull(text, &unit, 10);
    int digits = n == 1 ? 0 : n == 10 ? 1 : n == 100 ? 2 : -1;

    while (*unit == ' ') {
        unit++;
    }
    for (int i = 0; digits >= 0 && i < (int)G_N_ELEMENTS(units); i++) {
        if (strcmp(unit, units[i]) == 0) {
            return digits - 3 * i;
        }
    }
    return 1;
}

/* The tokens from TOK[*I] up to the next "$end", which *I then passes. */
static GPtrArray *vcd_until_end(char **tok, guint *i)
{
    GPtrArray *body = g_ptr_array_new();

    while (tok[*i] && strcmp(tok[*i], "$end") != 0) {
        g_ptr_array_add(body, tok[(*i)++]);
    }
    if (!tok[*i]) {
        g_ptr_array_free(body, TRUE);
        return NULL;
    }
    (*i)++;
    return body;
}

/* The header's declarations; false if it is not a VCD header. */
static bool vcd_header(Waveform *w, char **tok, guint *i)
{
    g_autoptr(GPtrArray) scopes = g_ptr_array_new();
    bool timescale = false;

    while (tok[*i]) {
        const char *kw = tok[(*i)++];
        g_autoptr(GPtrArray) body = vcd_until_end(tok, i);

        if (!body || kw[0] != '$') {
            return false;
        }
        if (strcmp(kw, "$enddefinitions") == 0) {
            return timescale;
        } else if (strcmp(kw, "$timescale") == 0) {
            g_autofree char *text = NULL;

            g_ptr_array_add(body, NULL);
            text = g_strjoinv(" ", (char **)body->pdata);
            w->timescale = vcd_timescale(text);
            timescale = w->timescale <= 0;
        } else if (strcmp(kw, "$scope") == 0) {
            if (body->len != 2) {
                return false;
            }
            g_ptr_array_add(scopes, body->pdata[1]);
        } else if (strcmp(kw, "$upscope") == 0) {
            if (!scopes->len) {
                return false;
            }
            g_ptr_array_remove_index(scopes, scopes->len - 1);
        } else if (strcmp(kw, "$var") == 0) {
            /* $var TYPE WIDTH ID NAME [RANGE] $end */
            if (body->len < 4) {
                return false;
            }
            waveform_declare(w, scopes, body->pdata[3], body->pdata[2],
                             (unsigned)g_ascii_strtoull(body->pdata[1], NULL,
                                                        10));
        }
        /* $version, $date, $comment: nothing to keep. */
    }
    return false;
}

Waveform *waveform_read_vcd(const char *path)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) tok = NULL;
    Waveform *w;
    int64_t time = -1;
    gsize len;
    guint i = 0;

    /* Text, with no NUL in it: a binary file is not a VCD. */
    if (!g_file_get_contents(path, &text, &len, NULL) ||
        !g_utf8_validate(text, (gssize)len, NULL)) {
        return NULL;
    }
    tok = g_strsplit_set(g_strstrip(text), " \t\r\n", -1);
    /* Runs of blanks leave empty tokens: squeeze them out. */
    for (guint j = 0, k = 0;; j++) {
        if (!tok[j] || tok[j][0]) {
            tok[k++] = tok[j];
            if (!tok[j]) {
                break;
            }
        } else {
            g_free(tok[j]);
        }
    }
    w = waveform_new();
    if (!vcd_header(w, tok, &i)) {
        waveform_free(w);
        return NULL;
    }
    for (; tok[i]; i++) {
        const char *t = tok[i];

        if (t[0] == '#') {
            time = g_ascii_strtoll(t + 1, NULL, 10);
        } else if (t[0] == '$') {
            /* $dumpvars, $dumpall, ... and their $end: values follow. */
        } else if (time < 0) {
            g_error("%s: value '%s' before the first time", path, t);
        } else if (t[0] == 'b' || t[0] == 'B') {
            if (!tok[i + 1]) {
                g_error("%s: vector value '%s' without identifier", path, t);
            }
            waveform_change(w, tok[i + 1], time, t + 1);
            i++;
        } else {
            char bit[2] = { t[0], 0 };

            waveform_change(w, t + 1, time, bit);
        }
    }
    return w;
}

/* --- FST --- */

static void fst_change(void *opaque, uint64_t time, fstHandle handle,
                       const unsigned char *value)
{
    char id[16];

    g_snprintf(id, sizeof(id), "%u", (unsigned)handle);
    waveform_change(opaque, id, (int64_t)time, (const char *)value);
}

Waveform *waveform_read_fst(const char *path)
{
    g_autoptr(GPtrArray) scopes = g_ptr_array_new_with_free_func(g_free);
    void *fst = fstReaderOpen(path);
    struct fstHier *h;
    Waveform *w;

    if (!fst) {
        return NULL;
    }
    w = waveform_new();
    w->timescale = fstReaderGetTimescale(fst);
    while ((h = fstReaderIterateHier(fst))) {
        if (h->htyp == FST_HT_SCOPE) {
            g_ptr_array_add(scopes, g_strdup(h->u.scope.name));
        } else if (h->htyp == FST_HT_UPSCOPE) {
            g_ptr_array_remove_index(scopes, scopes->len - 1);
        } else if (h->htyp == FST_HT_VAR) {
            /* A vector's name carries its range: "paddr [11:0]". */
            g_autofree char *name = g_strndup(h->u.var.name,
                                              strcspn(h->u.var.name, " "));
            char id[16];

            g_snprintf(id, sizeof(id), "%u", (unsigned)h->u.var.handle);
            waveform_declare(w, scopes, name, id, h->u.var.length);
        }
    }
    fstReaderSetFacProcessMaskAll(fst);
    fstReaderIterBlocks(fst, fst_change, w, NULL);
    fstReaderClose(fst);
    return w;
}

/* --- queries --- */

int waveform_timescale(const Waveform *w)
{
    return w->timescale;
}

static int compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *waveform_names(const Waveform *w)
{
    GPtrArray *names = g_ptr_array_new();
    GHashTableIter it;
    gpointer name;

    g_hash_table_iter_init(&it, w->ids);
    while (g_hash_table_iter_next(&it, &name, NULL)) {
        g_ptr_array_add(names, name);
    }
    g_ptr_array_sort(names, compare_names);
    return names;
}

const GArray *waveform_changes(const Waveform *w, const char *name)
{
    const char *id = g_hash_table_lookup(w->ids, name);
    Signal *s = id ? g_hash_table_lookup(w->signals, id) : NULL;

    return s ? s->changes : NULL;
}

static const GArray *waveform_must(const Waveform *w, const char *name)
{
    const GArray *c = waveform_changes(w, name);

    if (!c) {
        g_error("the waveform has no signal %s", name);
    }
    return c;
}

int64_t waveform_first(const Waveform *w, const char *name, uint64_t value,
                       int64_t after)
{
    const GArray *c = waveform_must(w, name);

    for (guint i = 0; i < c->len; i++) {
        const WaveChange *ch = &g_array_index(c, WaveChange, i);

        if (ch->time > after && ch->value == value) {
            return ch->time;
        }
    }
    return -1;
}

uint64_t waveform_value_at(const Waveform *w, const char *name, int64_t t)
{
    const GArray *c = waveform_must(w, name);
    uint64_t value = 0;

    for (guint i = 0; i < c->len; i++) {
        const WaveChange *ch = &g_array_index(c, WaveChange, i);

        if (ch->time > t) {
            break;
        }
        value = ch->value;
    }
    return value;
}
