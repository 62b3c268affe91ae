/*
 * The native backend's interface: IR blocks compiled to host code that
 * runs chained, block to block, until it must return to the CPU loop.
 *
 * Nothing here names a target.  The target describes where things are in
 * its env with a NativeTarget (offsets, the layout of its software TLB,
 * its slow-path memory hooks and its look-up of the next block), and the
 * backend generates code from that alone.  One backend per host:
 * tcg/x86_64/native.c.
 *
 * The contract the generated code keeps, the same the interpreter keeps:
 *  - env's exec state (an IrExecState at exec_off) holds the pc and index
 *    of the current instruction before every call that may raise a guest
 *    exception or reach a device, so the target recovers a precise state;
 *  - after a call or a slow-path memory access sets exec.exit_request,
 *    the code stops at the next instruction boundary (NATIVE_STOPPED);
 *  - a block runs only while exec.budget covers all its instructions,
 *    and subtracts them from it as it starts (the code may keep the
 *    budget in a host register: env's copy is current when native_run
 *    returns).  A loop block, whose body repeats (its later passes start
 *    again at the block's pc), starts with the budget of one pass and
 *    takes each further pass's as that pass begins, stopping before a
 *    pass it cannot pay for (NATIVE_STOPPED at the loop's head); an exit
 *    before the block's end retires the instructions up to it;
 *  - the instructions of the blocks that completed are retired: their
 *    count added to the counter at count_off and their time (count <<
 *    time_shift) to time_off.  To keep that one subtraction per block,
 *    the counters catch up from the budget (exec.budget_synced is the
 *    budget they last caught up to) before every call that may raise
 *    and every slow-path memory access, and when native_run returns;
 *    helpers with IR_CALL_NO_RAISE must not read them.  The block that
 *    is running is never in them: one cut short by an exception or a
 *    stop retires exec.insn_index instructions, which the CPU loop
 *    accounts;
 *  - cur_tb_off holds the running block at every slow-path memory
 *    access and every call that may raise, and when native_run returns
 *    a direct-jump exit (at other times it may lag).
 * Memory hooks must not change env fields that translated code reads with
 * ld_env (the code keeps such values in host registers across them);
 * helpers may change anything.  A hook whose access reaches anything but
 * RAM must set exit_request: the code reuses a loaded value for a later
 * load of the same address in the same block, which is right only while
 * the first one read RAM.  (tests/isa/loops.S fails without it.)
 */
#ifndef KILN_TCG_NATIVE_H
#define KILN_TCG_NATIVE_H

#include "ir.h"
#include "interp/interp.h"

typedef struct TranslationBlock TranslationBlock;
typedef struct NativeCode NativeCode;

/* What a target tells the backend about its env. */
typedef struct NativeTarget {
    size_t pc_off;              /* u64: the guest pc a block exit stored */
    size_t exec_off;            /* the IrExecState */
    size_t count_off;           /* u64: instructions retired */
    size_t time_off;            /* i64: virtual time */
    size_t cur_tb_off;          /* TranslationBlock *: the block running (see above) */

    /*
     * The software TLB: for MMU index i, entry n = (vaddr >> page_bits) %
     * tlb_entries is at tlb_off + i * tlb_idx_stride + n * tlb_entry_size
     * (a power of two, at most the page size).  A load (store) hits when
     * the entry's load (store) tag equals the page of both its first and
     * last byte; it then reaches host memory at vaddr + addend.  A tag
     * that must not hit (MMIO, code on the page) is one no page equals.
     */
    size_t tlb_off;
    size_t tlb_idx_stride;
    size_t tlb_entry_size;
    unsigned tlb_entries;       /* a power of two */
    unsigned page_bits;
    size_t tlb_tag_load_off;    /* u64 */
    size_t tlb_tag_store_off;   /* u64 */
    size_t tlb_addend_off;      /* uintptr_t */
    /*
     * A guess at the addend, one uintptr_t per MMU index from here (0:
     * the target keeps none): what RAM pages mapped one to one had last.
     * Code loads the guess, which depends on no address, and checks it
     * against the entry's addend off the access's path, so that a load
     * whose address comes from the one before (a list walked) waits for
     * one load, not two.
     */
    size_t tlb_guess_off;
    const IrMemHooks *mem;      /* the slow path of guest_ld and guest_st */

    /*
     * The code of the cached block that runs next (pc in env), or NULL to
     * go back to the CPU loop.  Must not raise.
     */
    const void *(*lookup)(void *env);
} NativeTarget;

typedef enum NativeExit {
    NATIVE_GOTO_TB0 = INTERP_GOTO_TB0,
    NATIVE_GOTO_TB1 = INTERP_GOTO_TB1,
    NATIVE_EXIT_LOOKUP = INTERP_EXIT_LOOKUP,
    NATIVE_EXIT_REQUEST = INTERP_EXIT_REQUEST,
    NATIVE_STOPPED = INTERP_STOPPED,
    NATIVE_NO_BUDGET,           /* pc stored: the next block needs more budget */
} NativeExit;

/* Can this host run native code?  (Else the interpreter is the backend.) */
bool native_available(void);

/*
 * Compile F (the IR of TB) for TARGET, with TIME_SHIFT for accounting.
 * May flush every block (tb_flush_all) to make room in the code buffer,
 * so it is only called from the CPU loop, with no block running.
 */
NativeCode *native_compile(const NativeTarget *target, const IrFunc *f,
                           TranslationBlock *tb, unsigned time_shift);

/*
 * Run native code from TB with BUDGET instructions until it leaves to the
 * CPU loop.  With CHAINING, a direct jump that left through the loop last
 * time is chained (patched to jump straight to TB) when both blocks are
 * cached and TB starts in the same guest page as the block that jumped;
 * without (per-block logging), nothing is chained.  Guest exceptions
 * leave by siglongjmp from the helper that raised them.
 */
NativeExit native_run(const NativeTarget *target, void *env,
                      TranslationBlock *tb, uint64_t budget, bool chaining);

/* Use a code buffer of SIZE bytes from now on (tests make it small). */
void native_set_buffer_size(size_t size);

/* The entry point of TB's code (for a target's look-up). */
const void *native_code_entry(const TranslationBlock *tb);

/* TB was invalidated: no jump may reach it, and it jumps nowhere. */
void native_unlink(TranslationBlock *tb);
void native_free(NativeCode *code);

#endif
