/*
 * The translation-block cache: a hash table by (pc, physical pc, flags)
 * and, per physical page, the blocks that read it.
 */
#include "tb.h"
#include "native.h"

typedef struct TbKey {
    uint64_t pc, phys_pc, flags;
} TbKey;

static GHashTable *tb_table;        /* TbKey * -> TranslationBlock * */
static GHashTable *page_table;      /* page number -> GPtrArray of TBs */
static TranslationBlock *tb_running;
static GPtrArray *tb_dead;          /* invalidated while running: freed at release */
static TbBackend tb_backend = TB_BACKEND_NATIVE;

uint64_t tb_invalidations;

static guint tb_key_hash(gconstpointer p)
{
    const TbKey *k = p;
    uint64_t h = k->phys_pc * 0x9e3779b97f4a7c15ull ^ k->flags ^ (k->pc << 7);

    return (guint)(h ^ (h >> 32));
}

static gboolean tb_key_equal(gconstpointer a, gconstpointer b)
{
    const TbKey *x = a, *y = b;

    return x->pc == y->pc && x->phys_pc == y->phys_pc && x->flags == y->flags;
}

static void tables_init(void)
{
    if (!tb_table) {
        tb_table = g_hash_table_new_full(tb_key_hash, tb_key_equal, g_free, NULL);
        page_table = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                           (GDestroyNotify)g_ptr_array_unref);
    }
}

TranslationBlock *tb_new(uint64_t pc, uint64_t phys_pc, uint64_t flags)
{
    TranslationBlock *tb = g_new0(TranslationBlock, 1);

    tb->pc = pc;
    tb->phys_pc = phys_pc;
    tb->phys_page2 = UINT64_MAX;
    tb->flags = flags;
    return tb;
}

TranslationBlock *tb_lookup(uint64_t pc, uint64_t phys_pc, uint64_t flags)
{
    TbKey k = { pc, phys_pc, flags };

    tables_init();
    return g_hash_table_lookup(tb_table, &k);
}

static void page_add(uint64_t paddr, TranslationBlock *tb)
{
    gint64 page = (gint64)(paddr >> TB_PAGE_BITS);
    GPtrArray *list = g_hash_table_lookup(page_table, &page);

    if (!list) {
        list = g_ptr_array_new();
        g_hash_table_insert(page_table, g_memdup2(&page, sizeof(page)), list);
    }
    g_ptr_array_add(list, tb);
}

void tb_insert(TranslationBlock *tb)
{
    TbKey *k = g_new(TbKey, 1);

    tables_init();
    *k = (TbKey){ tb->pc, tb->phys_pc, tb->flags };
    g_hash_table_replace(tb_table, k, tb);
    tb->cached = true;
    page_add(tb->phys_pc, tb);
    if (tb->phys_page2 != UINT64_MAX) {
        page_add(tb->phys_page2, tb);
    }
}

static void tb_destroy(TranslationBlock *tb)
{
    interp_free(tb->code);
    if (tb->native) {
        native_free(tb->native);
    }
    g_free(tb);
}

void tb_free(TranslationBlock *tb)
{
    if (!tb_running) {
        tb_destroy(tb);
        return;
    }
    if (!tb_dead) {
        tb_dead = g_ptr_array_new();
    }
    g_ptr_array_add(tb_dead, tb);
}

void tb_set_running(TranslationBlock *tb)
{
    tb_running = tb;
}

void tb_release(void)
{
    TranslationBlock *first = tb_running;
    /*
     * A one-off block (never cached, so never invalidated) ends with its
     * run.  Decided before the dead are freed: FIRST itself may be among
     * them (a block that wrote its own page).
     */
    bool first_one_off = first && !first->cached && !first->invalid;

    tb_running = NULL;
    for (guint i = 0; tb_dead && i < tb_dead->len; i++) {
        tb_destroy(g_ptr_array_index(tb_dead, i));
    }
    if (tb_dead) {
        g_ptr_array_set_size(tb_dead, 0);
    }
    if (first_one_off) {
        tb_destroy(first);
    }
}

bool tb_page_has_code(uint64_t paddr)
{
    gint64 page = (gint64)(paddr >> TB_PAGE_BITS);

    return page_table && g_hash_table_contains(page_table, &page);
}

/* Take TB out of the cache and out of the list of its other page. */
static void tb_unlink(TranslationBlock *tb, uint64_t from_page)
{
    TbKey k = { tb->pc, tb->phys_pc, tb->flags };
    uint64_t pages[2] = { tb->phys_pc >> TB_PAGE_BITS,
                          tb->phys_page2 == UINT64_MAX ? UINT64_MAX
                              : tb->phys_page2 >> TB_PAGE_BITS };

    if (g_hash_table_lookup(tb_table, &k) == tb) {
        g_hash_table_remove(tb_table, &k);
    }
    for (int i = 0; i < 2; i++) {
        gint64 page = (gint64)pages[i];
        GPtrArray *list;

        if (pages[i] == UINT64_MAX || pages[i] == from_page) {
            continue;
        }
        list = g_hash_table_lookup(page_table, &page);
        if (list) {
            g_ptr_array_remove_fast(list, tb);
            if (list->len == 0) {
                g_hash_table_remove(page_table, &page);
            }
        }
    }
    tb->invalid = true;
    tb->cached = false;
    if (tb->native) {
        native_unlink(tb);
    }
}

bool tb_invalidate_page(uint64_t paddr)
{
    gint64 page = (gint64)(paddr >> TB_PAGE_BITS);
    gpointer key, value;
    GPtrArray *list;

    if (!page_table ||
        !g_hash_table_steal_extended(page_table, &page, &key, &value)) {
        return false;
    }
    g_free(key);
    list = value;
    tb_invalidations++;
    for (guint i = 0; i < list->len; i++) {
        TranslationBlock *tb = g_ptr_array_index(list, i);

        tb_unlink(tb, (uint64_t)page);
        tb_free(tb);
    }
    g_ptr_array_unref(list);
    return true;
}

void tb_flush_all(void)
{
    GHashTableIter it;
    gpointer key, value;

    if (!tb_table) {
        return;
    }
    tb_invalidations++;
    g_hash_table_iter_init(&it, tb_table);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        TranslationBlock *tb = value;

        tb->invalid = true;
        tb->cached = false;
        if (tb->native) {
            native_unlink(tb);
        }
        g_hash_table_iter_remove(&it);
        tb_free(tb);
    }
    g_hash_table_remove_all(page_table);
}

size_t tb_count(void)
{
    return tb_table ? g_hash_table_size(tb_table) : 0;
}

void tb_set_backend(TbBackend backend)
{
    tb_flush_all();
    tb_backend = backend;
}

bool tb_use_native(void)
{
    return tb_backend == TB_BACKEND_NATIVE && native_available();
}
