/*
 * The RISC-V hart model ("riscv", a DT cpu node) and its execution loop.
 *
 * A hart's ISA comes from its DT node's "riscv,isa" string; an extension
 * kiln does not implement is an error at assembly, never a silent
 * omission.  Every hart has M, S and U modes.
 *
 * Execution: harts run round-robin on one host thread, each for a slice
 * of virtual time that ends at the next timer deadline, so a timer fires
 * between the very two instructions its deadline falls between.  A hart's
 * time advances by 2^shift ns per instruction retired (-icount shift=N).
 * Interrupts are checked before every block; anything that can make one
 * pending (a device access, a CSR write) ends the block after the
 * instruction that did it, so an interrupt is taken with no added delay.
 */
#include "cpu.h"
#include "translate.h"
#include "kiln/board.h"
#include "kiln/clock.h"
#include "kiln/log.h"
#include "../../hw/periph/intc/riscv_cpu_intc.h"
#include "../../tcg/tb.h"

static GPtrArray *all_cpus;

GPtrArray *riscv_cpus(void)
{
    if (!all_cpus) {
        all_cpus = g_ptr_array_new();
    }
    return all_cpus;
}

uint64_t riscv_cpu_mip(RiscvCpu *cpu)
{
    uint64_t wired = cpu->intc ? riscv_cpu_intc_levels(cpu->intc) : 0;

    /* SEIP reads as the OR of the software bit and the PLIC line (3.1.9). */
    return (wired & (MIP_MSIP | MIP_MTIP | MIP_MEIP | MIP_SEIP | MIP_STIP |
                     MIP_SSIP)) | cpu->mip_sw;
}

/* --- ISA string --- */


/* The EXT_* bits of one extension name ("m", "zicsr", "g"), or 0. */
static uint32_t extension_bits(const char *name)
{
    static const struct {
        const char *name;
        uint32_t ext;
    } names[] = {
        { "i", EXT_I }, { "m", EXT_M }, { "a", EXT_A },
        { "f", EXT_F | EXT_ZICSR }, { "d", EXT_D }, { "c", EXT_C },
        { "g", EXT_I | EXT_M | EXT_A | EXT_F | EXT_D | EXT_ZICSR |
               EXT_ZIFENCEI },
        { "zicsr", EXT_ZICSR }, { "zifencei", EXT_ZIFENCEI },
        { "zicntr", EXT_ZICNTR }, { "zba", EXT_ZBA }, { "zbb", EXT_ZBB },
        { "zbs", EXT_ZBS },
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (strcmp(name, names[i].name) == 0) {
            return names[i].ext;
        }
    }
    return 0;
}

static bool unsupported(const char *prop, const char *value, const char *ext,
                        GError **errp)
{
    g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                "%s \"%s\": extension '%s' is not supported by kiln", prop,
                value, ext);
    return false;
}

/* "rv64imafdc_zicsr_zifencei_zba": base, single letters, then _names. */
static bool parse_isa_string(const char *value, unsigned *xlen,
                             uint32_t *exts, GError **errp)
{
    g_autofree char *isa = g_ascii_strdown(value, -1);
    g_auto(GStrv) parts = NULL;

    if (g_str_has_prefix(isa, "rv64")) {
        *xlen = 64;
    } else if (g_str_has_prefix(isa, "rv32")) {
        *xlen = 32;
    } else {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "riscv,isa \"%s\" does not start with rv32 or rv64", value);
        return false;
    }
    parts = g_strsplit(isa + 4, "_", -1);
    for (const char *p = parts[0]; *p; p++) {
        char letter[2] = { *p, 0 };
        uint32_t bits = extension_bits(letter);

        if (!bits) {
            return unsupported("riscv,isa", value, letter, errp);
        }
        *exts |= bits;
    }
    for (size_t i = 1; parts[i]; i++) {
        uint32_t bits = *parts[i] ? extension_bits(parts[i]) : 0;

        if (*parts[i] && !bits) {
            return unsupported("riscv,isa", value, parts[i], errp);
        }
        *exts |= bits;
    }
    return true;
}

/*
 * The hart's ISA from its node: riscv,isa-base with riscv,isa-extensions
 * (the current binding), or the riscv,isa string; when a node has both,
 * they must say the same.
 */
static bool parse_isa(RiscvCpu *cpu, GError **errp)
{
    uint32_t from_list = 0;
    unsigned xlen = 0;

    cpu->exts = 0;
    if (!parse_isa_string(cpu->isa, &cpu->xlen, &cpu->exts, errp)) {
        return false;
    }
    if (cpu->isa_extensions) {
        for (size_t i = 0; cpu->isa_extensions[i]; i++) {
            g_autofree char *name = g_ascii_strdown(cpu->isa_extensions[i], -1);
            uint32_t bits = extension_bits(name);

            if (!bits) {
                return unsupported("riscv,isa-extensions", name, name, errp);
            }
            from_list |= bits;
        }
        if (cpu->isa_base && !parse_isa_string(cpu->isa_base, &xlen,
                                               &from_list, errp)) {
            return false;
        }
        if ((from_list | EXT_ZICNTR) != (cpu->exts | EXT_ZICNTR) ||
            (xlen && xlen != cpu->xlen)) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                        "riscv,isa \"%s\" and riscv,isa-extensions do not "
                        "name the same extensions", cpu->isa);
            return false;
        }
    }
    cpu->exts |= EXT_S | EXT_U;
    if (!(cpu->exts & EXT_I)) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "riscv,isa \"%s\": kiln needs the I base", cpu->isa);
        return false;
    }
    if ((cpu->exts & EXT_D) && !(cpu->exts & EXT_F)) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "riscv,isa \"%s\": D needs F", cpu->isa);
        return false;
    }
    /* Zicntr's counters are always there: the CSRs exist on every hart. */
    cpu->exts |= EXT_ZICNTR;
    return true;
}

static bool parse_mmu_type(RiscvCpu *cpu, GError **errp)
{
    static const struct {
        const char *name;
        int xlen, mode;
    } types[] = {
        { "riscv,sv32", 32, 1 }, { "riscv,sv39", 64, 8 },
        { "riscv,sv48", 64, 9 }, { "riscv,none", 0, 0 },
    };

    if (!cpu->mmu_type || !*cpu->mmu_type) {
        cpu->satp_max_mode = cpu->xlen == 32 ? 1 : 9;
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        if (strcmp(cpu->mmu_type, types[i].name) == 0) {
            if (types[i].xlen && types[i].xlen != (int)cpu->xlen) {
                break;
            }
            cpu->satp_max_mode = types[i].mode;
            return true;
        }
    }
    g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                "mmu-type \"%s\" is not supported on an RV%u hart",
                cpu->mmu_type, cpu->xlen);
    return false;
}

static uint64_t misa_value(RiscvCpu *cpu)
{
    static const struct {
        uint32_t ext;
        char letter;
    } letters[] = {
        { EXT_I, 'i' }, { EXT_M, 'm' }, { EXT_A, 'a' }, { EXT_F, 'f' },
        { EXT_D, 'd' }, { EXT_C, 'c' }, { EXT_S, 's' }, { EXT_U, 'u' },
    };
    uint64_t misa = (uint64_t)(cpu->xlen == 32 ? 1 : 2) << (cpu->xlen - 2);

    for (size_t i = 0; i < ARRAY_SIZE(letters); i++) {
        if (cpu->exts & letters[i].ext) {
            misa |= 1ull << (letters[i].letter - 'a');
        }
    }
    return misa;
}

/* --- model --- */

static bool riscv_cpu_realize(Device *dev, GError **errp)
{
    RiscvCpu *cpu = DEVICE_STATE(dev, RiscvCpu);

    if (!parse_isa(cpu, errp) || !parse_mmu_type(cpu, errp)) {
        return false;
    }
    cpu->misa = misa_value(cpu);
    for (guint i = 0; i < dev->children->len; i++) {
        Device *c = g_ptr_array_index(dev->children, i);

        if (c->desc == &riscv_cpu_intc_desc) {
            cpu->intc = c;
        }
    }
    cpu->icount_shift = 0;
    /* Harts take turns in hart-id order, whatever the order of the DT. */
    {
        GPtrArray *cpus = riscv_cpus();
        guint i = 0;

        while (i < cpus->len &&
               ((RiscvCpu *)g_ptr_array_index(cpus, i))->hartid < cpu->hartid) {
            i++;
        }
        g_ptr_array_insert(cpus, (gint)i, cpu);
    }
    return true;
}

static void riscv_cpu_reset(Device *dev)
{
    RiscvCpu *cpu = DEVICE_STATE(dev, RiscvCpu);

    memset(cpu->x, 0, sizeof(cpu->x));
    memset(cpu->f, 0, sizeof(cpu->f));
    riscv_csr_reset(cpu);
    riscv_tlb_flush(cpu);
    cpu->pc = cpu->boot_pc;
    cpu->x[10] = cpu->hartid;
    cpu->x[11] = cpu->boot_a1;
    cpu->x[12] = cpu->boot_a2;
    cpu->wfi = false;
    cpu->time = clock_now();
    memset(&cpu->exec.pc, 0, sizeof(cpu->exec.pc));
    cpu->exec.insn_index = 0;
    cpu->exec.exit_request = false;
}

static void riscv_cpu_finalize(Device *dev)
{
    RiscvCpu *cpu = DEVICE_STATE(dev, RiscvCpu);

    g_ptr_array_remove(riscv_cpus(), cpu);
    g_free(cpu->exec.temps);
}

static const PropDesc riscv_cpu_props[] = {
    PROP_U32("reg", RiscvCpu, hartid, 0),
    PROP_STRING("riscv,isa", RiscvCpu, isa, "rv64imafdc_zicsr_zifencei"),
    PROP_STRING("riscv,isa-base", RiscvCpu, isa_base, NULL),
    PROP_STRLIST("riscv,isa-extensions", RiscvCpu, isa_extensions),
    PROP_STRING("mmu-type", RiscvCpu, mmu_type, NULL),
    PROP_U32_RANGE("timebase-frequency", RiscvCpu, timebase_hz, 10000000, 1,
                   UINT32_MAX),
    PROP_END
};

static const char *const riscv_cpu_compatible[] = { "riscv", NULL };

const DeviceDesc riscv_cpu_desc = {
    .name = "riscv-cpu",
    .desc = "RISC-V hart (RV32/RV64 IMAFDC, Zicsr, Zifencei, Zicntr, Zba, "
            "Zbb, Zbs; M, S and U modes)",
    .compatible = riscv_cpu_compatible,
    .state_size = sizeof(RiscvCpu),
    .props = riscv_cpu_props,
    .realize = riscv_cpu_realize,
    .reset = riscv_cpu_reset,
    .finalize = riscv_cpu_finalize,
};

void riscv_cpus_set_icount_shift(unsigned shift)
{
    for (guint i = 0; i < riscv_cpus()->len; i++) {
        RiscvCpu *cpu = g_ptr_array_index(riscv_cpus(), i);

        cpu->icount_shift = shift;
    }
    /* Native blocks account time with the shift they were made under. */
    tb_flush_all();
}

/* --- execution --- */

static void log_cpu_state(RiscvCpu *cpu)
{
    static const char *const abi[32] = {
        "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
        "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
        "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
    };

    log_printf("pc       %016" PRIx64 " priv %u instret %" PRIu64 "\n",
               cpu->pc, cpu->priv, cpu->instret);
    for (unsigned i = 0; i < 32; i++) {
        log_printf("%-4s %016" PRIx64 "%s", abi[i], cpu->x[i],
                   (i % 4) == 3 ? "\n" : "  ");
    }
}

/* N instructions retired (they take their time slots too). */
static void account(RiscvCpu *cpu, uint32_t n)
{
    cpu->instret += n;
    cpu->time += (int64_t)n << cpu->icount_shift;
}

/* --- debugger support --- */

static GArray *breakpoints;     /* uint64_t virtual pcs */
static RiscvCpu *step_cpu;      /* the hart stepping, or NULL */
static RiscvDebugEvent debug_event;
static RiscvCpu *debug_event_cpu;

static guint breakpoint_index(uint64_t pc)
{
    for (guint i = 0; breakpoints && i < breakpoints->len; i++) {
        if (g_array_index(breakpoints, uint64_t, i) == pc) {
            return i;
        }
    }
    return G_MAXUINT;
}

bool riscv_breakpoint_insert(uint64_t pc)
{
    if (breakpoint_index(pc) != G_MAXUINT) {
        return false;
    }
    if (!breakpoints) {
        breakpoints = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    }
    g_array_append_val(breakpoints, pc);
    /*
     * Blocks translated so far may run past PC, and chained ones never
     * come back to the CPU loop to look: drop them all.
     */
    tb_flush_all();
    return true;
}

bool riscv_breakpoint_remove(uint64_t pc)
{
    guint i = breakpoint_index(pc);

    if (i == G_MAXUINT) {
        return false;
    }
    g_array_remove_index_fast(breakpoints, i);
    return true;
}

void riscv_breakpoint_remove_all(void)
{
    if (breakpoints) {
        g_array_free(breakpoints, TRUE);
        breakpoints = NULL;
    }
}

bool riscv_breakpoint_at(RiscvCpu *cpu, uint64_t pc)
{
    /* An RV32 pc may be held sign-extended; a debugger's address is not. */
    return breakpoints && breakpoints->len &&
           breakpoint_index(cpu->xlen == 32 ? (uint32_t)pc : pc) != G_MAXUINT;
}

bool riscv_debug_active(void)
{
    return step_cpu || (breakpoints && breakpoints->len);
}

void riscv_debug_resume(RiscvCpu *step)
{
    GPtrArray *cpus = riscv_cpus();

    for (guint i = 0; i < cpus->len; i++) {
        RiscvCpu *cpu = g_ptr_array_index(cpus, i);

        cpu->debug_skip_bp = true;
        cpu->debug_skip_pc = cpu->pc;
        /* A step not finished (the hart waits in WFI) is dropped. */
        cpu->debug_step = cpu == step;
    }
    step_cpu = step;
    debug_event = RISCV_DEBUG_NONE;
}

RiscvDebugEvent riscv_debug_take_event(RiscvCpu **cpu)
{
    RiscvDebugEvent e = debug_event;

    *cpu = debug_event_cpu;
    debug_event = RISCV_DEBUG_NONE;
    debug_event_cpu = NULL;
    return e;
}

static void debug_stop(RiscvCpu *cpu, RiscvDebugEvent e)
{
    if (e == RISCV_DEBUG_STEP) {
        step_cpu = NULL;
    }
    debug_event = e;
    debug_event_cpu = cpu;
}

bool riscv_debug_rw(RiscvCpu *cpu, uint64_t addr, void *buf, size_t len,
                    bool write)
{
    uint8_t *p = buf;

    while (len > 0) {
        uint64_t in_page = PAGE_SIZE - (addr & ~PAGE_MASK);
        size_t n = (size_t)MIN(len, in_page);
        uint64_t paddr;

        if (!riscv_debug_translate(cpu, addr, &paddr)) {
            return false;
        }
        if (write) {
            if (as_write(cpu->as, paddr, p, n) != MEM_OK) {
                return false;
            }
            /* The debugger may patch code: drop what was translated from it. */
            tb_invalidate_page(paddr);
        } else if (as_read(cpu->as, paddr, p, n) != MEM_OK) {
            return false;
        }
        addr += n;
        p += n;
        len -= n;
    }
    return true;
}

static void run_hart(RiscvCpu *cpu, int64_t until)
{
    /*
     * A device that ends or resets the run (the test finisher) stops the
     * hart right after the instruction that asked: nothing runs past it.
     */
    while (cpu->time < until && !machine_stop_pending() &&
           debug_event == RISCV_DEBUG_NONE) {
        TranslationBlock *tb;
        InterpExit r;
        uint64_t budget;
        int64_t deadline, stop;
        int irq;

        if (sigsetjmp(cpu->jmp, 0)) {
            /*
             * A guest exception: the instructions before the faulting one
             * retired; the faulting one does not retire but takes its
             * time slot, so a trap loop still lets time reach deadlines.
             */
            account(cpu, cpu->exec.insn_index);
            cpu->time += 1ll << cpu->icount_shift;
            tb_release();
            cpu->cur_tb = NULL;
            /* A step that traps stops at the handler, as in QEMU. */
            if (cpu->debug_step) {
                cpu->debug_step = false;
                debug_stop(cpu, RISCV_DEBUG_STEP);
            }
            continue;
        }
        /*
         * UNTIL was chosen before the slice began; a timer armed since
         * (the guest wrote mtimecmp) may fall inside it.  Fire it when
         * this hart's time reaches it and end blocks there, not up to a
         * slice (a million instructions) late.
         */
        deadline = clock_next_deadline();
        if (deadline >= 0 && deadline <= cpu->time) {
            clock_advance_to(cpu->time);
            deadline = clock_next_deadline();
        }
        stop = deadline > cpu->time && deadline < until ? deadline : until;
        irq = riscv_pending_interrupt(cpu);
        if (irq >= 0) {
            riscv_do_trap(cpu, true, (unsigned)irq, 0, cpu->pc);
        }
        if (cpu->wfi) {
            if (!(riscv_cpu_mip(cpu) & cpu->mie)) {
                cpu->time = stop;
                continue;
            }
            cpu->wfi = false;
        }
        budget = (uint64_t)((stop - cpu->time + (1ll << cpu->icount_shift) - 1)
                            >> cpu->icount_shift);
        /*
         * Under a debugger every block starts here (translate.c ends
         * blocks before breakpoints, and nothing is chained): stop before
         * a breakpoint, unless resuming from it; a step is a block of one
         * instruction, so instret and time stay exact.  Interrupts are
         * taken as without a debugger, so the run is the same run.
         */
        if (unlikely(riscv_debug_active())) {
            bool skip = cpu->debug_skip_bp && cpu->pc == cpu->debug_skip_pc;

            cpu->debug_skip_bp = false;
            if (!skip && riscv_breakpoint_at(cpu, cpu->pc)) {
                debug_stop(cpu, RISCV_DEBUG_BREAKPOINT);
                break;
            }
            if (cpu->debug_step) {
                budget = 1;
            }
        }
        if (unlikely(log_enabled_mask & LOG_CPU)) {
            log_cpu_state(cpu);
        }
        cpu->exec.pc = cpu->pc;
        cpu->exec.insn_index = 0;
        tb = riscv_tb_find(cpu, budget);
        log_mask(LOG_EXEC, "%s: block 0x%" PRIx64 " (%u insns)\n", cpu->dev.path,
                 tb->pc, tb->ninsns);
        cpu->cur_tb = tb;
        tb_set_running(tb);
        cpu->exec.exit_request = false;
        if (tb->native) {
            /*
             * Native code runs chained blocks and accounts each one it
             * completes itself (tcg/native.h); only a stop inside a
             * block is left to account here.
             */
            bool chaining = !(log_enabled_mask & (LOG_CPU | LOG_EXEC)) &&
                            !riscv_debug_active();

            r = (InterpExit)native_run(&riscv_native_target, cpu, tb, budget,
                                       chaining);
            if (r == INTERP_STOPPED) {
                cpu->pc = cpu->exec.pc;
                account(cpu, cpu->exec.insn_index);
            }
        } else {
            r = interp_run(tb->code, cpu, &cpu->exec, &riscv_mem_hooks);
            if (r == INTERP_STOPPED) {
                cpu->pc = cpu->exec.pc;
                account(cpu, cpu->exec.insn_index);
            } else {
                /* A loop's side exit leaves before the block's end (translate.c). */
                account(cpu, cpu->exec.insn_index + 1);
            }
        }
        tb_release();
        cpu->cur_tb = NULL;
        if (unlikely(cpu->debug_step)) {
            cpu->debug_step = false;
            debug_stop(cpu, RISCV_DEBUG_STEP);
        }
    }
}

/*
 * Several harts take turns in slices of this much virtual time, so that
 * one spinning on a lock another holds waits at most a slice (10000
 * instructions at -icount 0).  The order is fixed: runs are deterministic.
 */
#define SMP_SLICE_NS 10000

void riscv_cpus_run(int64_t until)
{
    GPtrArray *cpus = riscv_cpus();
    int64_t start = clock_now();

    /* Only the hart a debugger steps runs; the others wait where they are. */
    if (cpus->len == 1 || step_cpu) {
        run_hart(step_cpu ? step_cpu : g_ptr_array_index(cpus, 0), until);
        return;
    }
    for (int64_t t = start; t < until && debug_event == RISCV_DEBUG_NONE;) {
        t = MIN(t + SMP_SLICE_NS, until);
        for (guint i = 0; i < cpus->len && !machine_stop_pending() &&
                          debug_event == RISCV_DEBUG_NONE; i++) {
            run_hart(g_ptr_array_index(cpus, i), t);
        }
    }
}

bool riscv_cpus_idle(void)
{
    GPtrArray *cpus = riscv_cpus();

    for (guint i = 0; i < cpus->len; i++) {
        RiscvCpu *cpu = g_ptr_array_index(cpus, i);

        if (!cpu->wfi || (riscv_cpu_mip(cpu) & cpu->mie)) {
            return false;
        }
    }
    return true;
}
