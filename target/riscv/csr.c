/*
 * Control and status registers (Zicsr, Zicntr; Privileged Architecture
 * 20211203 chapters 2, 3 and 4).  Access checks follow 2.1: the CSR
 * number's bits 9:8 give the lowest privilege that may access it and bits
 * 11:10 == 3 mark it read-only.  A false return means the access is
 * illegal; the caller raises the exception.
 */
#include "cpu.h"
#include "kiln/clock.h"

enum {
    CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
    CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02,
    CSR_HPMCOUNTER3 = 0xc03, CSR_HPMCOUNTER31 = 0xc1f,
    CSR_CYCLEH = 0xc80, CSR_TIMEH = 0xc81, CSR_INSTRETH = 0xc82,
    CSR_HPMCOUNTER3H = 0xc83, CSR_HPMCOUNTER31H = 0xc9f,
    CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105,
    CSR_SCOUNTEREN = 0x106, CSR_SENVCFG = 0x10a, CSR_SSCRATCH = 0x140,
    CSR_SEPC = 0x141, CSR_SCAUSE = 0x142, CSR_STVAL = 0x143, CSR_SIP = 0x144,
    CSR_SATP = 0x180,
    CSR_MVENDORID = 0xf11, CSR_MARCHID = 0xf12, CSR_MIMPID = 0xf13,
    CSR_MHARTID = 0xf14, CSR_MCONFIGPTR = 0xf15,
    CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MEDELEG = 0x302,
    CSR_MIDELEG = 0x303, CSR_MIE = 0x304, CSR_MTVEC = 0x305,
    CSR_MCOUNTEREN = 0x306, CSR_MENVCFG = 0x30a, CSR_MSTATUSH = 0x310,
    CSR_MENVCFGH = 0x31a, CSR_MCOUNTINHIBIT = 0x320,
    CSR_MHPMEVENT3 = 0x323, CSR_MHPMEVENT31 = 0x33f,
    CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341, CSR_MCAUSE = 0x342,
    CSR_MTVAL = 0x343, CSR_MIP = 0x344,
    CSR_PMPCFG0 = 0x3a0, CSR_PMPCFG3 = 0x3a3,
    CSR_PMPADDR0 = 0x3b0, CSR_PMPADDR15 = 0x3bf,
    CSR_MCYCLE = 0xb00, CSR_MINSTRET = 0xb02,
    CSR_MHPMCOUNTER3 = 0xb03, CSR_MHPMCOUNTER31 = 0xb1f,
    CSR_MCYCLEH = 0xb80, CSR_MINSTRETH = 0xb82,
    CSR_MHPMCOUNTER3H = 0xb83, CSR_MHPMCOUNTER31H = 0xb9f,
};

/* mstatus bits software can write (no UBE/SBE/MBE: little-endian only). */
#define MSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | \
    MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | \
    MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_MASK (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | \
    MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL)
/* medeleg: everything but ecall from M (it cannot be delegated, 3.1.8). */
#define MEDELEG_WRITABLE 0xb3ffull
#define PMP_LOCK 0x80
#define PMP_A_TOR 0x08

uint64_t riscv_mstatus_sd(RiscvCpu *cpu, uint64_t s)
{
    bool dirty = (s & MSTATUS_FS) == MSTATUS_FS;

    if (!dirty) {
        return s;
    }
    return s | (cpu->xlen == 32 ? MSTATUS32_SD : MSTATUS64_SD);
}

void riscv_csr_reset(RiscvCpu *cpu)
{
    cpu->priv = PRV_M;
    cpu->mstatus = cpu->xlen == 64 ? (2ull << 32) | (2ull << 34) : 0;
    cpu->medeleg = cpu->mideleg = 0;
    cpu->mie = cpu->mip_sw = 0;
    cpu->mtvec = cpu->mscratch = cpu->mepc = cpu->mcause = cpu->mtval = 0;
    cpu->stvec = cpu->sscratch = cpu->sepc = cpu->scause = cpu->stval = 0;
    cpu->satp = 0;
    cpu->mcounteren = cpu->scounteren = cpu->mcountinhibit = 0;
    cpu->menvcfg = cpu->senvcfg = 0;
    memset(cpu->pmpcfg, 0, sizeof(cpu->pmpcfg));
    memset(cpu->pmpaddr, 0, sizeof(cpu->pmpaddr));
    cpu->frm = cpu->fflags = 0;
    cpu->instret = 0;
    cpu->cycle_offset = 0;
    cpu->load_res = UINT64_MAX;
}

/* Instructions retired so far, counting the ones before the current one. */
static uint64_t instret_now(RiscvCpu *cpu)
{
    return cpu->instret + cpu->exec.insn_index;
}

static uint64_t cycles_now(RiscvCpu *cpu)
{
    int64_t t = cpu->time + ((int64_t)cpu->exec.insn_index << cpu->icount_shift);

    return (uint64_t)(t >> cpu->icount_shift) + (uint64_t)cpu->cycle_offset;
}

static uint64_t time_now(RiscvCpu *cpu)
{
    int64_t t = cpu->time + ((int64_t)cpu->exec.insn_index << cpu->icount_shift);

    return clock_ns_to_ticks(t, cpu->timebase_hz ? cpu->timebase_hz : 10000000);
}

/* Counter access from S and U needs mcounteren (and scounteren for U). */
static bool counter_allowed(RiscvCpu *cpu, unsigned index)
{
    if (cpu->priv == PRV_M) {
        return true;
    }
    if (!((cpu->mcounteren >> index) & 1)) {
        return false;
    }
    return cpu->priv == PRV_S || ((cpu->scounteren >> index) & 1);
}

uint64_t riscv_cpu_mip(RiscvCpu *cpu);

static bool fp_enabled(RiscvCpu *cpu)
{
    return (cpu->exts & EXT_F) && (cpu->mstatus & MSTATUS_FS);
}

static bool pmp_locked(RiscvCpu *cpu, unsigned i)
{
    return cpu->pmpcfg[i] & PMP_LOCK;
}

static void pmpcfg_write(RiscvCpu *cpu, unsigned reg, uint64_t value)
{
    unsigned bytes = cpu->xlen / 8;

    for (unsigned b = 0; b < bytes; b++) {
        unsigned i = reg * 4 + b;
        uint8_t cfg = (uint8_t)(value >> (8 * b));

        if (i >= PMP_ENTRIES || pmp_locked(cpu, i)) {
            continue;
        }
        /* W without R is reserved (3.7.1): keep the entry's old value. */
        if ((cfg & 3) == 2) {
            continue;
        }
        cpu->pmpcfg[i] = cfg & 0x9f;
    }
    riscv_tlb_flush(cpu);
}

static uint64_t pmpcfg_read(RiscvCpu *cpu, unsigned reg)
{
    unsigned bytes = cpu->xlen / 8;
    uint64_t v = 0;

    for (unsigned b = 0; b < bytes && reg * 4 + b < PMP_ENTRIES; b++) {
        v |= (uint64_t)cpu->pmpcfg[reg * 4 + b] << (8 * b);
    }
    return v;
}

static void pmpaddr_write(RiscvCpu *cpu, unsigned i, uint64_t value)
{
    /* A locked TOR entry also locks the address below it (3.7.1). */
    if (pmp_locked(cpu, i) ||
        (i + 1 < PMP_ENTRIES && pmp_locked(cpu, i + 1) &&
         (cpu->pmpcfg[i + 1] & 0x18) == PMP_A_TOR)) {
        return;
    }
    cpu->pmpaddr[i] = cpu->xlen == 32 ? (uint32_t)value
                                      : value & ((1ull << 54) - 1);
    riscv_tlb_flush(cpu);
}

static bool satp_write(RiscvCpu *cpu, uint64_t value)
{
    unsigned mode;

    if (cpu->xlen == 32) {
        mode = (value >> 31) & 1;
        if (mode && cpu->satp_max_mode < 1) {
            return true;
        }
        cpu->satp = (uint32_t)value;
    } else {
        mode = (unsigned)(value >> 60);
        /* An unsupported mode leaves satp unchanged (4.1.11). */
        if (mode != 0 && (mode < 8 || mode > (unsigned)cpu->satp_max_mode)) {
            return true;
        }
        cpu->satp = value;
    }
    riscv_tlb_flush(cpu);
    return true;
}

static void mstatus_write(RiscvCpu *cpu, uint64_t value, uint64_t mask)
{
    uint64_t old = cpu->mstatus;
    uint64_t s = (old & ~mask) | (value & mask);
    unsigned mpp = (s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;

    /* MPP is WARL: only modes the hart has (2 is reserved). */
    if (mpp == 2 || (mpp == PRV_S && !(cpu->exts & EXT_S)) ||
        (mpp == PRV_U && !(cpu->exts & EXT_U))) {
        s = (s & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
    }
    if (!(cpu->exts & EXT_F)) {
        s &= ~MSTATUS_FS;
    }
    cpu->mstatus = s;
    /* MPRV and MPP only pick the MMU index (riscv_data_mmu_idx). */
    if ((old ^ s) & (MSTATUS_SUM | MSTATUS_MXR)) {
        riscv_tlb_flush(cpu);
    }
}

bool riscv_csr_read(RiscvCpu *cpu, unsigned csrno, uint64_t *value)
{
    bool rv32 = cpu->xlen == 32;

    if (((csrno >> 8) & 3) > cpu->priv) {
        return false;
    }
    switch (csrno) {
    case CSR_FFLAGS:
        if (!fp_enabled(cpu)) {
            return false;
        }
        *value = cpu->fflags;
        return true;
    case CSR_FRM:
        if (!fp_enabled(cpu)) {
            return false;
        }
        *value = cpu->frm;
        return true;
    case CSR_FCSR:
        if (!fp_enabled(cpu)) {
            return false;
        }
        *value = (cpu->frm << 5) | cpu->fflags;
        return true;
    case CSR_CYCLE:
    case CSR_TIME:
    case CSR_INSTRET:
    case CSR_CYCLEH:
    case CSR_TIMEH:
    case CSR_INSTRETH: {
        unsigned idx = csrno & 0x1f;
        uint64_t v;

        if ((csrno >= CSR_CYCLEH && !rv32) || !counter_allowed(cpu, idx)) {
            return false;
        }
        v = idx == 0 ? cycles_now(cpu) : idx == 1 ? time_now(cpu)
                                                  : instret_now(cpu);
        *value = csrno >= CSR_CYCLEH ? v >> 32 : riscv_sext(cpu, rv32 ? (uint32_t)v : v);
        return true;
    }
    case CSR_MCYCLE:
        *value = riscv_sext(cpu, rv32 ? (uint32_t)cycles_now(cpu) : cycles_now(cpu));
        return true;
    case CSR_MINSTRET:
        *value = riscv_sext(cpu, rv32 ? (uint32_t)instret_now(cpu) : instret_now(cpu));
        return true;
    case CSR_MCYCLEH:
    case CSR_MINSTRETH:
        if (!rv32) {
            return false;
        }
        *value = riscv_sext(cpu, (csrno == CSR_MCYCLEH ? cycles_now(cpu)
                                                       : instret_now(cpu)) >> 32);
        return true;
    case CSR_SSTATUS:
        *value = riscv_sext(cpu, riscv_mstatus_sd(cpu, cpu->mstatus & SSTATUS_MASK));
        return true;
    case CSR_SIE:
        *value = cpu->mie & cpu->mideleg;
        return true;
    case CSR_SIP:
        *value = riscv_cpu_mip(cpu) & cpu->mideleg;
        return true;
    case CSR_STVEC:
        *value = cpu->stvec;
        return true;
    case CSR_SCOUNTEREN:
        *value = cpu->scounteren;
        return true;
    case CSR_SENVCFG:
        *value = cpu->senvcfg;
        return true;
    case CSR_SSCRATCH:
        *value = cpu->sscratch;
        return true;
    case CSR_SEPC:
        *value = cpu->sepc;
        return true;
    case CSR_SCAUSE:
        *value = cpu->scause;
        return true;
    case CSR_STVAL:
        *value = cpu->stval;
        return true;
    case CSR_SATP:
        if (cpu->priv == PRV_S && (cpu->mstatus & MSTATUS_TVM)) {
            return false;
        }
        *value = riscv_sext(cpu, cpu->satp);
        return true;
    case CSR_MVENDORID:
    case CSR_MARCHID:
    case CSR_MIMPID:
    case CSR_MCONFIGPTR:
        *value = 0;
        return true;
    case CSR_MHARTID:
        *value = cpu->hartid;
        return true;
    case CSR_MSTATUS:
        *value = riscv_sext(cpu, riscv_mstatus_sd(cpu, cpu->mstatus));
        return true;
    case CSR_MSTATUSH:
        if (!rv32) {
            return false;
        }
        *value = 0;
        return true;
    case CSR_MISA:
        *value = riscv_sext(cpu, cpu->misa);
        return true;
    case CSR_MEDELEG:
        *value = cpu->medeleg;
        return true;
    case CSR_MIDELEG:
        *value = cpu->mideleg;
        return true;
    case CSR_MIE:
        *value = cpu->mie;
        return true;
    case CSR_MIP:
        *value = riscv_cpu_mip(cpu);
        return true;
    case CSR_MTVEC:
        *value = cpu->mtvec;
        return true;
    case CSR_MCOUNTEREN:
        *value = cpu->mcounteren;
        return true;
    case CSR_MENVCFG:
        *value = riscv_sext(cpu, cpu->menvcfg);
        return true;
    case CSR_MENVCFGH:
        if (!rv32) {
            return false;
        }
        *value = 0;
        return true;
    case CSR_MCOUNTINHIBIT:
        *value = cpu->mcountinhibit;
        return true;
    case CSR_MSCRATCH:
        *value = cpu->mscratch;
        return true;
    case CSR_MEPC:
        *value = cpu->mepc;
        return true;
    case CSR_MCAUSE:
        *value = cpu->mcause;
        return true;
    case CSR_MTVAL:
        *value = cpu->mtval;
        return true;
    default:
        break;
    }
    if (csrno >= CSR_PMPCFG0 && csrno <= CSR_PMPCFG3) {
        if (!rv32 && (csrno & 1)) {
            return false;
        }
        *value = riscv_sext(cpu, pmpcfg_read(cpu, csrno - CSR_PMPCFG0));
        return true;
    }
    if (csrno >= CSR_PMPADDR0 && csrno <= CSR_PMPADDR15) {
        *value = cpu->pmpaddr[csrno - CSR_PMPADDR0];
        return true;
    }
    /* Hardware performance counters and events: present, read zero (3.1.10). */
    if ((csrno >= CSR_MHPMCOUNTER3 && csrno <= CSR_MHPMCOUNTER31) ||
        (csrno >= CSR_MHPMEVENT3 && csrno <= CSR_MHPMEVENT31) ||
        (rv32 && csrno >= CSR_MHPMCOUNTER3H && csrno <= CSR_MHPMCOUNTER31H)) {
        *value = 0;
        return true;
    }
    if ((csrno >= CSR_HPMCOUNTER3 && csrno <= CSR_HPMCOUNTER31) ||
        (rv32 && csrno >= CSR_HPMCOUNTER3H && csrno <= CSR_HPMCOUNTER31H)) {
        if (!counter_allowed(cpu, csrno & 0x1f)) {
            return false;
        }
        *value = 0;
        return true;
    }
    return false;
}

bool riscv_csr_write(RiscvCpu *cpu, unsigned csrno, uint64_t value)
{
    bool rv32 = cpu->xlen == 32;
    uint64_t s_ints = S_MODE_INTERRUPTS;

    if (((csrno >> 8) & 3) > cpu->priv || (csrno >> 10) == 3) {
        return false;
    }
    if (rv32) {
        value = (uint32_t)value;
    }
    switch (csrno) {
    case CSR_FFLAGS:
    case CSR_FRM:
    case CSR_FCSR:
        if (!fp_enabled(cpu)) {
            return false;
        }
        if (csrno != CSR_FRM) {
            cpu->fflags = value & 0x1f;
        }
        if (csrno != CSR_FFLAGS) {
            cpu->frm = (csrno == CSR_FCSR ? value >> 5 : value) & 7;
        }
        cpu->mstatus |= MSTATUS_FS;
        return true;
    case CSR_SSTATUS:
        mstatus_write(cpu, value, SSTATUS_MASK & ~MSTATUS_UXL);
        return true;
    case CSR_SIE:
        cpu->mie = (cpu->mie & ~cpu->mideleg) | (value & cpu->mideleg);
        return true;
    case CSR_SIP:
        /* Only SSIP is writable from S (4.1.3). */
        cpu->mip_sw = (cpu->mip_sw & ~(MIP_SSIP & cpu->mideleg)) |
                      (value & MIP_SSIP & cpu->mideleg);
        return true;
    case CSR_STVEC:
        /* Modes 2 and 3 are reserved: keep the old mode. */
        cpu->stvec = (value & 2) ? (value & ~3ull) | (cpu->stvec & 3) : value;
        return true;
    case CSR_SCOUNTEREN:
        cpu->scounteren = (uint32_t)value;
        return true;
    case CSR_SENVCFG:
        cpu->senvcfg = 0;
        return true;
    case CSR_SSCRATCH:
        cpu->sscratch = value;
        return true;
    case CSR_SEPC:
        cpu->sepc = riscv_sext(cpu, value & ~1ull);
        return true;
    case CSR_SCAUSE:
        cpu->scause = riscv_sext(cpu, value);
        return true;
    case CSR_STVAL:
        cpu->stval = riscv_sext(cpu, value);
        return true;
    case CSR_SATP:
        if (cpu->priv == PRV_S && (cpu->mstatus & MSTATUS_TVM)) {
            return false;
        }
        return satp_write(cpu, value);
    case CSR_MSTATUS:
        mstatus_write(cpu, value, MSTATUS_WRITABLE);
        return true;
    case CSR_MSTATUSH:
    case CSR_MENVCFGH:
        return rv32;
    case CSR_MISA:
        /* WARL: the extensions are fixed by the DT. */
        return true;
    case CSR_MEDELEG:
        cpu->medeleg = value & MEDELEG_WRITABLE;
        return true;
    case CSR_MIDELEG:
        cpu->mideleg = value & s_ints;
        return true;
    case CSR_MIE:
        cpu->mie = value & ALL_INTERRUPTS;
        return true;
    case CSR_MIP:
        /* SSIP, STIP and SEIP are software-writable in mip (3.1.9). */
        cpu->mip_sw = value & s_ints;
        return true;
    case CSR_MTVEC:
        cpu->mtvec = (value & 2) ? (value & ~3ull) | (cpu->mtvec & 3) : value;
        return true;
    case CSR_MCOUNTEREN:
        cpu->mcounteren = (uint32_t)value;
        return true;
    case CSR_MENVCFG:
        cpu->menvcfg = 0;
        return true;
    case CSR_MCOUNTINHIBIT:
        /*
         * CY and IR are read-only zero: kiln's mcycle and minstret always
         * count, and a WARL bit that could be set without stopping its
         * counter would break 3.1.13.
         */
        cpu->mcountinhibit = (uint32_t)value & ~7u;
        return true;
    case CSR_MSCRATCH:
        cpu->mscratch = value;
        return true;
    case CSR_MEPC:
        cpu->mepc = riscv_sext(cpu, value & ~1ull);
        return true;
    case CSR_MCAUSE:
        cpu->mcause = riscv_sext(cpu, value);
        return true;
    case CSR_MTVAL:
        cpu->mtval = riscv_sext(cpu, value);
        return true;
    case CSR_MCYCLE:
        /* On RV32 mcycle is the low half: mcycleh keeps its value. */
        if (rv32) {
            value |= cycles_now(cpu) & ~(uint64_t)UINT32_MAX;
        }
        cpu->cycle_offset += (int64_t)(value - cycles_now(cpu)) - 1;
        return true;
    case CSR_MINSTRET:
        /*
         * The write takes effect after this instruction, which therefore
         * does not also count itself (Priv 3.1.11): once it retires the
         * counter must read VALUE.  On RV32 it is the low half only.
         */
        if (rv32) {
            value |= instret_now(cpu) & ~(uint64_t)UINT32_MAX;
        }
        cpu->instret = value - cpu->exec.insn_index - 1;
        return true;
    case CSR_MCYCLEH:
    case CSR_MINSTRETH:
        if (!rv32) {
            return false;
        }
        if (csrno == CSR_MINSTRETH) {
            uint64_t now = instret_now(cpu) + 1;
            uint64_t v = (value << 32) | (uint32_t)now;

            cpu->instret = v - cpu->exec.insn_index - 1;
        } else {
            uint64_t now = cycles_now(cpu) + 1;
            uint64_t v = (value << 32) | (uint32_t)now;

            cpu->cycle_offset += (int64_t)(v - now);
        }
        return true;
    default:
        break;
    }
    if (csrno >= CSR_PMPCFG0 && csrno <= CSR_PMPCFG3) {
        if (!rv32 && (csrno & 1)) {
            return false;
        }
        pmpcfg_write(cpu, csrno - CSR_PMPCFG0, value);
        return true;
    }
    if (csrno >= CSR_PMPADDR0 && csrno <= CSR_PMPADDR15) {
        pmpaddr_write(cpu, csrno - CSR_PMPADDR0, value);
        return true;
    }
    if ((csrno >= CSR_MHPMCOUNTER3 && csrno <= CSR_MHPMCOUNTER31) ||
        (csrno >= CSR_MHPMEVENT3 && csrno <= CSR_MHPMEVENT31) ||
        (rv32 && csrno >= CSR_MHPMCOUNTER3H && csrno <= CSR_MHPMCOUNTER31H)) {
        return true;
    }
    return false;
}
