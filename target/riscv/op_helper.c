/*
 * Traps and interrupts (RISC-V Privileged Architecture 20211203, 3.1.6,
 * 3.1.9, 3.3, 4.1.1): exception raise from inside a block, trap entry with
 * delegation, interrupt selection, and the privilege change.
 */
#include "cpu.h"
#include "kiln/log.h"

uint64_t riscv_sext(RiscvCpu *cpu, uint64_t v)
{
    return cpu->xlen == 32 ? (uint64_t)(int64_t)(int32_t)v : v;
}

void riscv_set_priv(RiscvCpu *cpu, unsigned priv)
{
    cpu->priv = priv;
    /* A reservation does not survive a change of context (Unpriv 8.2). */
    cpu->load_res = UINT64_MAX;
}

static uint64_t tvec_target(uint64_t tvec, bool is_irq, unsigned cause)
{
    uint64_t base = tvec & ~3ull;

    /* Vectored mode sends interrupts to base + 4 * cause (3.1.7). */
    if ((tvec & 3) == 1 && is_irq) {
        return base + 4ull * cause;
    }
    return base;
}

void riscv_do_trap(RiscvCpu *cpu, bool is_irq, unsigned cause, uint64_t tval,
                   uint64_t epc)
{
    uint64_t deleg = is_irq ? cpu->mideleg : cpu->medeleg;
    uint64_t irq_bit = is_irq ? 1ull << (cpu->xlen - 1) : 0;
    uint64_t s = cpu->mstatus;

    log_mask(LOG_INT, "%s: %s %u at pc 0x%" PRIx64 " tval 0x%" PRIx64
             " priv %u\n", cpu->dev.path, is_irq ? "interrupt" : "exception",
             cause, epc, tval, cpu->priv);
    cpu->wfi = false;
    if (cpu->priv <= PRV_S && ((deleg >> cause) & 1)) {
        cpu->scause = riscv_sext(cpu, cause | irq_bit);
        cpu->sepc = epc;
        cpu->stval = tval;
        s = (s & ~MSTATUS_SPIE) | ((s & MSTATUS_SIE) ? MSTATUS_SPIE : 0);
        s = (s & ~MSTATUS_SPP) | (cpu->priv == PRV_S ? MSTATUS_SPP : 0);
        s &= ~MSTATUS_SIE;
        cpu->mstatus = s;
        cpu->pc = riscv_sext(cpu, tvec_target(cpu->stvec, is_irq, cause));
        riscv_set_priv(cpu, PRV_S);
    } else {
        cpu->mcause = riscv_sext(cpu, cause | irq_bit);
        cpu->mepc = epc;
        cpu->mtval = tval;
        s = (s & ~MSTATUS_MPIE) | ((s & MSTATUS_MIE) ? MSTATUS_MPIE : 0);
        s = (s & ~MSTATUS_MPP) | ((uint64_t)cpu->priv << MSTATUS_MPP_SHIFT);
        s &= ~MSTATUS_MIE;
        cpu->mstatus = s;
        cpu->pc = riscv_sext(cpu, tvec_target(cpu->mtvec, is_irq, cause));
        riscv_set_priv(cpu, PRV_M);
    }
}

void riscv_raise_exception(RiscvCpu *cpu, unsigned cause, uint64_t tval)
{
    /*
     * The faulting instruction does not retire; the ones before it in the
     * block did.  The execution loop accounts them from exec.insn_index.
     */
    riscv_do_trap(cpu, false, cause, tval, cpu->exec.pc);
    siglongjmp(cpu->jmp, 1);
}

/* Priority among pending interrupts: MEI, MSI, MTI, SEI, SSI, STI (3.1.9). */
static const int irq_priority[] = {
    IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER,
};

int riscv_pending_interrupt(RiscvCpu *cpu)
{
    uint64_t pending = riscv_cpu_mip(cpu) & cpu->mie;
    uint64_t m_enabled, s_enabled, take;

    if (!pending) {
        return -1;
    }
    /* M-level interrupts: enabled below M always, in M when MIE. */
    m_enabled = (cpu->priv < PRV_M ||
                 (cpu->mstatus & MSTATUS_MIE)) ? ~cpu->mideleg : 0;
    /* Delegated ones: enabled below S always, in S when SIE, never in M. */
    s_enabled = (cpu->priv < PRV_S ||
                 (cpu->priv == PRV_S && (cpu->mstatus & MSTATUS_SIE)))
                ? cpu->mideleg : 0;
    take = pending & (m_enabled | s_enabled);
    for (size_t i = 0; i < ARRAY_SIZE(irq_priority); i++) {
        if (take & (1ull << irq_priority[i])) {
            return irq_priority[i];
        }
    }
    return -1;
}

/* --- helpers translated code calls --- */

#include "helper.h"
#include "../../tcg/tb.h"

static RiscvCpu *helper_cpu(void *env)
{
    return env;
}

DEF_HELPER(raise)
{
    riscv_raise_exception(helper_cpu(env), (unsigned)a, b);
}

DEF_HELPER(csr)
{
    RiscvCpu *cpu = helper_cpu(env);
    unsigned csrno = a & 0xfff;
    uint64_t old = 0, value = b;

    /* A read is needed to set or clear bits, and for rd; csrrw x0 skips it. */
    if ((a & (CSR_OP_READ | CSR_OP_SET | CSR_OP_CLEAR)) &&
        !riscv_csr_read(cpu, csrno, &old)) {
        riscv_raise_exception(cpu, EXC_ILLEGAL_INST, c);
    }
    if (a & CSR_OP_WRITE) {
        if (a & CSR_OP_SET) {
            value = old | b;
        } else if (a & CSR_OP_CLEAR) {
            value = old & ~b;
        }
        if (!riscv_csr_write(cpu, csrno, value)) {
            riscv_raise_exception(cpu, EXC_ILLEGAL_INST, c);
        }
    }
    return old;
}

DEF_HELPER(mret)
{
    RiscvCpu *cpu = helper_cpu(env);
    uint64_t s = cpu->mstatus;
    unsigned mpp = (s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;

    if (cpu->priv < PRV_M) {
        riscv_raise_exception(cpu, EXC_ILLEGAL_INST, a);
    }
    s = (s & ~MSTATUS_MIE) | ((s & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
    s |= MSTATUS_MPIE;
    s &= ~MSTATUS_MPP;      /* least-privileged mode: U (3.1.6.1) */
    if (mpp != PRV_M) {
        s &= ~MSTATUS_MPRV;
    }
    cpu->mstatus = s;
    cpu->pc = cpu->mepc;
    /*
     * No TLB flush: entries are kept per MMU index, and what an index's
     * entries say depends only on satp, SUM, MXR and PMP, none of which
     * changes here.  The mode and MPRV pick the index, and the block
     * ends, so the next one is looked up under the new one.
     */
    riscv_set_priv(cpu, mpp);
    return 0;
}

DEF_HELPER(sret)
{
    RiscvCpu *cpu = helper_cpu(env);
    uint64_t s = cpu->mstatus;
    unsigned spp = (s & MSTATUS_SPP) ? PRV_S : PRV_U;

    if (cpu->priv < PRV_S || (cpu->priv == PRV_S && (s & MSTATUS_TSR))) {
        riscv_raise_exception(cpu, EXC_ILLEGAL_INST, a);
    }
    s = (s & ~MSTATUS_SIE) | ((s & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
    s |= MSTATUS_SPIE;
    s &= ~MSTATUS_SPP;
    s &= ~MSTATUS_MPRV;     /* xRET to a mode below M clears MPRV */
    cpu->mstatus = s;
    cpu->pc = cpu->sepc;
    riscv_set_priv(cpu, spp);      /* no TLB flush: see mret */
    return 0;
}

DEF_HELPER(wfi)
{
    RiscvCpu *cpu = helper_cpu(env);

    /*
     * TW makes WFI below M illegal; so does U mode when S exists (3.1.6.5),
     * as QEMU does.  Otherwise the hart waits: the execution loop skips to
     * the next deadline unless an interrupt is pending.
     */
    if (cpu->priv == PRV_U ||
        (cpu->priv < PRV_M && (cpu->mstatus & MSTATUS_TW))) {
        riscv_raise_exception(cpu, EXC_ILLEGAL_INST, a);
    }
    cpu->wfi = true;
    return 0;
}

DEF_HELPER(sfence_vma)
{
    RiscvCpu *cpu = helper_cpu(env);

    if (cpu->priv == PRV_U ||
        (cpu->priv == PRV_S && (cpu->mstatus & MSTATUS_TVM))) {
        riscv_raise_exception(cpu, EXC_ILLEGAL_INST, a);
    }
    riscv_tlb_flush(cpu);
    return 0;
}

DEF_HELPER(fence_i)
{
    /*
     * Stores by this hart already invalidate code they overwrite; fence.i
     * also covers code written by DMA and devices, by dropping every block.
     */
    tb_flush_all();
    return 0;
}

/*
 * Atomics: one hart runs at a time, so a load and a store back to back are
 * atomic.  A misaligned address raises the misaligned exception (LR: load,
 * SC/AMO: store/AMO), and faults on an AMO are store/AMO faults (8.4).
 */
static unsigned amo_mmu_idx(RiscvCpu *cpu)
{
    return riscv_data_mmu_idx(cpu);
}

static void check_aligned(RiscvCpu *cpu, uint64_t addr, unsigned size,
                          unsigned cause)
{
    if (addr & (size - 1)) {
        riscv_raise_exception(cpu, cause, addr);
    }
}

DEF_HELPER(lr)
{
    RiscvCpu *cpu = helper_cpu(env);
    MemOp mo = (MemOp)b;
    uint64_t v;

    check_aligned(cpu, a, memop_size(mo), EXC_LOAD_MISALIGNED);
    v = riscv_mem_hooks.load(env, a, mo, amo_mmu_idx(cpu));
    cpu->load_res = a;
    cpu->load_val = v;
    return v;
}

DEF_HELPER(sc)
{
    RiscvCpu *cpu = helper_cpu(env);
    MemOp mo = (MemOp)c;
    unsigned idx = amo_mmu_idx(cpu);
    uint64_t cur;
    bool ok;

    check_aligned(cpu, a, memop_size(mo), EXC_STORE_MISALIGNED);
    /* Check store permission first: a failing SC may still fault (8.2). */
    riscv_translate(cpu, a, ACCESS_STORE, idx, memop_size(mo));
    ok = cpu->load_res == a;
    if (ok) {
        /* Another hart's store to the location breaks the reservation. */
        cur = riscv_mem_hooks.load(env, a, mo, idx);
        ok = cur == cpu->load_val;
    }
    if (ok) {
        riscv_mem_hooks.store(env, a, b, mo, idx);
    }
    cpu->load_res = UINT64_MAX;
    return ok ? 0 : 1;
}

DEF_HELPER(amo)
{
    RiscvCpu *cpu = helper_cpu(env);
    MemOp mo = (MemOp)(c & 0xff);
    unsigned op = (unsigned)(c >> 8);
    unsigned idx = amo_mmu_idx(cpu);
    bool word = memop_size(mo) == 4;
    uint64_t old, val = b, res;

    check_aligned(cpu, a, memop_size(mo), EXC_STORE_MISALIGNED);
    riscv_translate(cpu, a, ACCESS_STORE, idx, memop_size(mo));
    old = riscv_mem_hooks.load(env, a, mo, idx);
    if (word) {
        val = (uint64_t)(int64_t)(int32_t)val;
    }
    switch (op) {
    case AMO_SWAP:
        res = val;
        break;
    case AMO_ADD:
        res = old + val;
        break;
    case AMO_XOR:
        res = old ^ val;
        break;
    case AMO_AND:
        res = old & val;
        break;
    case AMO_OR:
        res = old | val;
        break;
    case AMO_MIN:
        res = (int64_t)old < (int64_t)val ? old : val;
        break;
    case AMO_MAX:
        res = (int64_t)old > (int64_t)val ? old : val;
        break;
    case AMO_MINU:
        res = (word ? (uint32_t)old < (uint32_t)val : old < val) ? old : val;
        break;
    case AMO_MAXU:
        res = (word ? (uint32_t)old > (uint32_t)val : old > val) ? old : val;
        break;
    default:
        riscv_raise_exception(cpu, EXC_ILLEGAL_INST, 0);
    }
    riscv_mem_hooks.store(env, a, res, mo, idx);
    return old;
}
