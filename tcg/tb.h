/*
 * The translation-block cache.
 *
 * A block is found by its guest virtual pc, the physical address of its
 * first instruction and the CPU flags its code depends on (privilege, MMU
 * index, XLEN, FP state, extensions): the same physical code reached in
 * another mode is another block.  Blocks never span more than two guest
 * pages, and every page a block was read from knows its blocks, so a
 * write to a page with code invalidates exactly those blocks.
 */
#ifndef KILN_TCG_TB_H
#define KILN_TCG_TB_H

#include "kiln/common.h"
#include "interp/interp.h"

#define TB_PAGE_BITS 12

typedef struct NativeCode NativeCode;

/* How blocks run: native host code, or the IR interpreter (-accel tcg,backend=). */
typedef enum TbBackend {
    TB_BACKEND_NATIVE,
    TB_BACKEND_INTERP,
} TbBackend;

typedef struct TranslationBlock {
    uint64_t pc;                /* guest virtual pc of the first instruction */
    uint64_t phys_pc;
    uint64_t phys_page2;        /* second page the block reads, or UINT64_MAX */
    uint64_t flags;
    uint32_t ninsns;
    /*
     * The budget native code needs to start the block: a loop block
     * (target/riscv/translate.c) takes each pass of its body from the
     * budget as the pass begins, so this is one pass; else ninsns.  The
     * interpreter runs a block whole, and needs ninsns.
     */
    uint32_t entry_insns;
    uint32_t size;              /* bytes of guest code */
    InterpCode *code;           /* for the interpreter, or NULL */
    NativeCode *native;         /* for the native backend, or NULL */
    bool invalid;               /* its code was overwritten */
    bool cached;                /* in the cache (not a one-off short block) */
} TranslationBlock;

TranslationBlock *tb_new(uint64_t pc, uint64_t phys_pc, uint64_t flags);
TranslationBlock *tb_lookup(uint64_t pc, uint64_t phys_pc, uint64_t flags);
/* Put TB in the cache and register it with the pages it reads. */
void tb_insert(TranslationBlock *tb);
/* Free TB unless it is running; a running block is freed by tb_release. */
void tb_free(TranslationBlock *tb);

/*
 * The CPU runs code starting with TB (native code may chain on to other
 * blocks): until tb_release, blocks invalidated are only marked, not
 * freed, since their code or their struct may still be in use.
 */
void tb_set_running(TranslationBlock *tb);
/* Done running: free what was invalidated, and TB if it was a one-off. */
void tb_release(void);

/* Does physical page PAGE (an address within it) hold translated code? */
bool tb_page_has_code(uint64_t paddr);
/* Invalidate every block reading the page of PADDR; true if any. */
bool tb_invalidate_page(uint64_t paddr);
void tb_flush_all(void);
/* Blocks in the cache (for tests). */
size_t tb_count(void);

/*
 * Counts every invalidation and flush: a CPU's own fast look-up table of
 * blocks is valid only while this has not changed since it was filled.
 */
extern uint64_t tb_invalidations;

/* Select the backend new blocks are made for; drops every block. */
void tb_set_backend(TbBackend backend);
/* Are blocks made for the native backend (selected, and this host has one)? */
bool tb_use_native(void);

#endif
