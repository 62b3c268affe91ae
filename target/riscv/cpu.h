/*
 * A RISC-V hart: its architectural state and what the translator, the
 * helpers and the execution loop share.
 *
 * The state struct is also the "env" the IR reaches with ld_env/st_env,
 * so registers, pc and the few CSRs translated code touches are plain
 * fields at fixed offsets.  Integer registers are 64 bits; on an RV32
 * hart they hold the sign-extension of their 32-bit value, so unsigned
 * comparisons and equality work unchanged and only a few operations
 * (shifts right, division, mulh) need the XLEN in translation.
 */
#ifndef KILN_RISCV_CPU_H
#define KILN_RISCV_CPU_H

#include "kiln/device.h"
#include "kiln/memory.h"
#include "../../tcg/interp/interp.h"
#include "softfloat.h"

#include <setjmp.h>

/* Privilege levels (Priv 1.2). */
enum { PRV_U = 0, PRV_S = 1, PRV_M = 3 };

/* Exception causes (Priv Table 3.6). */
enum {
    EXC_INST_MISALIGNED = 0,
    EXC_INST_ACCESS = 1,
    EXC_ILLEGAL_INST = 2,
    EXC_BREAKPOINT = 3,
    EXC_LOAD_MISALIGNED = 4,
    EXC_LOAD_ACCESS = 5,
    EXC_STORE_MISALIGNED = 6,
    EXC_STORE_ACCESS = 7,
    EXC_ECALL_U = 8,
    EXC_ECALL_S = 9,
    EXC_ECALL_M = 11,
    EXC_INST_PAGE_FAULT = 12,
    EXC_LOAD_PAGE_FAULT = 13,
    EXC_STORE_PAGE_FAULT = 15,
};

/* Interrupt numbers = mip/mie bit positions (Priv 3.1.9). */
enum {
    IRQ_S_SOFT = 1, IRQ_M_SOFT = 3,
    IRQ_S_TIMER = 5, IRQ_M_TIMER = 7,
    IRQ_S_EXT = 9, IRQ_M_EXT = 11,
};

#define MIP_SSIP (1ull << IRQ_S_SOFT)
#define MIP_MSIP (1ull << IRQ_M_SOFT)
#define MIP_STIP (1ull << IRQ_S_TIMER)
#define MIP_MTIP (1ull << IRQ_M_TIMER)
#define MIP_SEIP (1ull << IRQ_S_EXT)
#define MIP_MEIP (1ull << IRQ_M_EXT)
#define S_MODE_INTERRUPTS (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define ALL_INTERRUPTS (S_MODE_INTERRUPTS | MIP_MSIP | MIP_MTIP | MIP_MEIP)

/* mstatus fields (Priv 3.1.6). */
#define MSTATUS_SIE   (1ull << 1)
#define MSTATUS_MIE   (1ull << 3)
#define MSTATUS_SPIE  (1ull << 5)
#define MSTATUS_UBE   (1ull << 6)
#define MSTATUS_MPIE  (1ull << 7)
#define MSTATUS_SPP   (1ull << 8)
#define MSTATUS_VS    (3ull << 9)
#define MSTATUS_MPP   (3ull << 11)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_FS    (3ull << 13)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_XS    (3ull << 15)
#define MSTATUS_MPRV  (1ull << 17)
#define MSTATUS_SUM   (1ull << 18)
#define MSTATUS_MXR   (1ull << 19)
#define MSTATUS_TVM   (1ull << 20)
#define MSTATUS_TW    (1ull << 21)
#define MSTATUS_TSR   (1ull << 22)
#define MSTATUS_UXL   (3ull << 32)
#define MSTATUS_SXL   (3ull << 34)
#define MSTATUS64_SD  (1ull << 63)
#define MSTATUS32_SD  (1ull << 31)

/* Extensions a hart can have. */
enum {
    EXT_I = 1u << 0, EXT_M = 1u << 1, EXT_A = 1u << 2, EXT_F = 1u << 3,
    EXT_D = 1u << 4, EXT_C = 1u << 5, EXT_S = 1u << 6, EXT_U = 1u << 7,
    EXT_ZICSR = 1u << 8, EXT_ZIFENCEI = 1u << 9, EXT_ZICNTR = 1u << 10,
    EXT_ZBA = 1u << 11, EXT_ZBB = 1u << 12, EXT_ZBS = 1u << 13,
};

#define PMP_ENTRIES 16
#define TLB_SIZE 256
#define TLB_VICTIMS 8
#define JMP_CACHE_SIZE 4096
#define PAGE_BITS 12
#define PAGE_SIZE (1ull << PAGE_BITS)
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* MMU indexes: the privilege an access is checked against. */
enum { MMU_IDX_U = 0, MMU_IDX_S = 1, MMU_IDX_M = 3, MMU_IDX_COUNT = 4 };

typedef enum AccessType { ACCESS_LOAD, ACCESS_STORE, ACCESS_FETCH } AccessType;

/*
 * One TLB entry: a virtual page that translated, for each access type,
 * and the host address of its first byte when the page is RAM that may
 * be reached directly (NULL: MMIO, or a page that needs the slow path).
 *
 * host_tag repeats the load and store tags where an access may go
 * straight to host memory (for stores: no translated code on the page),
 * and addend takes a virtual address there: so that a hit in translated
 * code is one compare and one load.  64 bytes, a power of two, so that
 * the index is a shift and a mask.
 */
typedef struct TlbEntry {
    uint64_t tag[3];            /* virtual page for load/store/fetch, or -1 */
    uint64_t host_tag[2];       /* load/store tag, -1 where host is not usable */
    uintptr_t addend;           /* host - virtual page, where host_tag matches */
    uint64_t paddr;             /* physical page */
    uint8_t *host;              /* host pointer of the page, or NULL */
} TlbEntry;

typedef struct TranslationBlock TranslationBlock;

typedef struct RiscvCpu {
    Device dev;

    /* --- state translated code reaches through env --- */
    uint64_t x[32];
    uint64_t f[32];
    uint64_t pc;
    uint32_t frm;
    uint32_t fflags;
    uint64_t load_res;          /* LR reservation address, -1 when none */
    uint64_t load_val;          /* value LR read */

    /* --- privileged state --- */
    uint32_t priv;
    uint32_t xlen;              /* 32 or 64 */
    uint64_t misa;
    uint64_t mstatus;
    uint64_t medeleg, mideleg;
    uint64_t mie;
    uint64_t mip_sw;            /* mip bits software writes (SSIP, STIP, SEIP) */
    uint64_t mtvec, mscratch, mepc, mcause, mtval;
    uint64_t stvec, sscratch, sepc, scause, stval;
    uint64_t satp;
    uint32_t mcounteren, scounteren, mcountinhibit;
    uint64_t menvcfg, senvcfg;
    uint8_t pmpcfg[PMP_ENTRIES];
    uint64_t pmpaddr[PMP_ENTRIES];
    uint64_t instret;           /* instructions retired (minstret) */
    int64_t cycle_offset;       /* mcycle = cycles + cycle_offset */
    bool wfi;                   /* waiting for an interrupt */
    uint64_t boot_pc;           /* where reset starts (set by the loader) */
    uint64_t boot_a1;           /* a1 at reset: the DTB's address */
    uint64_t boot_a2;           /* a2 at reset */

    /* --- properties (from the DT node) --- */
    uint32_t hartid;            /* DT "reg" */
    char *isa;                  /* DT "riscv,isa" */
    char *isa_base;             /* DT "riscv,isa-base" */
    char **isa_extensions;      /* DT "riscv,isa-extensions" */
    char *mmu_type;             /* DT "mmu-type" */
    uint32_t timebase_hz;       /* /cpus/timebase-frequency */
    uint32_t exts;              /* EXT_* the hart has */
    int satp_max_mode;          /* 0 bare, 1 sv32, 8 sv39, 9 sv48 */

    /* --- execution --- */
    IrExecState exec;
    int64_t time;               /* this hart's virtual time, ns */
    unsigned icount_shift;      /* ns per instruction = 1 << shift */
    sigjmp_buf jmp;
    Device *intc;               /* the riscv,cpu-intc child: mip's wired bits */
    AddressSpace *as;
    TlbEntry tlb[MMU_IDX_COUNT][TLB_SIZE];
    /*
     * The entries last displaced, searched on a miss before translating:
     * pages a megabyte apart share an index, and a board's devices and
     * its code usually are.  Replaced round robin.
     */
    TlbEntry tlb_victim[MMU_IDX_COUNT][TLB_VICTIMS];
    unsigned tlb_victim_next[MMU_IDX_COUNT];
    /* Per MMU index: the addend of the last RAM page it mapped one to one. */
    uintptr_t tlb_guess[MMU_IDX_COUNT];
    TranslationBlock *cur_tb;
    /* Recently run blocks by virtual pc, valid for tb_invalidations == jc_gen. */
    TranslationBlock *jmp_cache[JMP_CACHE_SIZE];
    uint64_t jc_gen;
    bool tb_invalidated;        /* the running block's code was written */

    /* --- debugger (cpu.c, system/gdbstub.c) --- */
    bool debug_step;            /* run one instruction, then stop */
    bool debug_skip_bp;         /* resuming at debug_skip_pc: do not stop there */
    uint64_t debug_skip_pc;
} RiscvCpu;

/* --- cpu.c --- */

extern const DeviceDesc riscv_cpu_desc;
/* Every hart of the machine, in DT order. */
GPtrArray *riscv_cpus(void);
uint64_t riscv_cpu_mip(RiscvCpu *cpu);
/* Run every hart round-robin until virtual time UNTIL (ns) or a stop. */
void riscv_cpus_run(int64_t until);
/* Apply -icount shift=N to every hart. */
void riscv_cpus_set_icount_shift(unsigned shift);
/* Every hart waits for an interrupt that is not pending. */
bool riscv_cpus_idle(void);

/*
 * --- debugger support (cpu.c) ---
 *
 * Software breakpoints are kept in a list and never written into guest
 * memory: a hart stops before it executes an instruction at a breakpoint
 * pc.  While any breakpoint is set or a hart steps, translated blocks end
 * before every breakpoint pc and are not chained, so every block starts
 * in the CPU loop, where breakpoints are checked.
 */
typedef enum RiscvDebugEvent {
    RISCV_DEBUG_NONE,           /* ran to the time asked */
    RISCV_DEBUG_BREAKPOINT,     /* stopped before a breakpoint pc */
    RISCV_DEBUG_STEP,           /* a stepping hart ran one instruction */
} RiscvDebugEvent;

/* Add or remove a breakpoint at virtual PC; false if there was (not) one. */
bool riscv_breakpoint_insert(uint64_t pc);
bool riscv_breakpoint_remove(uint64_t pc);
void riscv_breakpoint_remove_all(void);
/* Is there a breakpoint at CPU's PC (taken at CPU's XLEN)? */
bool riscv_breakpoint_at(RiscvCpu *cpu, uint64_t pc);
/* Breakpoints are set or a hart steps: translation and chaining care. */
bool riscv_debug_active(void);
/*
 * Resume: every hart runs on in riscv_cpus_run or, with STEP, only STEP
 * runs, for one instruction.  A breakpoint at a hart's current pc is
 * passed over, so that resuming from a breakpoint makes progress.
 */
void riscv_debug_resume(RiscvCpu *step);
/* What ended the last riscv_cpus_run early, and on which hart; clears it. */
RiscvDebugEvent riscv_debug_take_event(RiscvCpu **cpu);
/*
 * Copy LEN bytes at virtual ADDR as CPU sees it in its current mode,
 * without side effects on the page tables (no A/D updates) or the TLB.
 * False if a page does not translate or memory is not there.
 */
bool riscv_debug_rw(RiscvCpu *cpu, uint64_t addr, void *buf, size_t len,
                    bool write);

/* --- helpers and traps (op_helper.c) --- */

/* Raise a synchronous exception in the current instruction: never returns. */
void G_GNUC_NORETURN riscv_raise_exception(RiscvCpu *cpu, unsigned cause,
                                           uint64_t tval);
/* Enter the trap handler for CAUSE (interrupt when IS_IRQ). */
void riscv_do_trap(RiscvCpu *cpu, bool is_irq, unsigned cause, uint64_t tval,
                   uint64_t epc);
/* The interrupt to take now, or -1. */
int riscv_pending_interrupt(RiscvCpu *cpu);
void riscv_set_priv(RiscvCpu *cpu, unsigned priv);
uint64_t riscv_sext(RiscvCpu *cpu, uint64_t v);

/* --- CSRs (csr.c) --- */

/* Read/write CSR CSRNO; false: illegal (does not raise). */
bool riscv_csr_read(RiscvCpu *cpu, unsigned csrno, uint64_t *value);
bool riscv_csr_write(RiscvCpu *cpu, unsigned csrno, uint64_t value);
uint64_t riscv_mstatus_sd(RiscvCpu *cpu, uint64_t mstatus);
void riscv_csr_reset(RiscvCpu *cpu);

/* --- memory (mmu.c) --- */

extern const IrMemHooks riscv_mem_hooks;
unsigned riscv_data_mmu_idx(RiscvCpu *cpu);
/* Translate VADDR for an access; raises the guest's exception on a fault. */
uint64_t riscv_translate(RiscvCpu *cpu, uint64_t vaddr, AccessType type,
                         unsigned mmu_idx, unsigned size);
/*
 * The physical address of VADDR as a load in the hart's current mode
 * would see it, for a debugger: every valid mapping, no fault raised and
 * no A/D bit set, so that looking changes nothing.  False: unmapped.
 */
bool riscv_debug_translate(RiscvCpu *cpu, uint64_t vaddr, uint64_t *paddr);
/* The physical address of the instruction at VADDR (raises on fault). */
uint64_t riscv_fetch_paddr(RiscvCpu *cpu, uint64_t vaddr);
/* Fetch an instruction halfword at VADDR (raises on fault). */
uint16_t riscv_fetch16(RiscvCpu *cpu, uint64_t vaddr);
void riscv_tlb_flush(RiscvCpu *cpu);
/*
 * Code was just translated from the physical page of PADDR: no hart's TLB
 * may let stores reach that page directly any more, so that a store there
 * goes through the slow path and invalidates the code (self-modifying code).
 */
void riscv_tlb_protect_code(uint64_t paddr);
/* Host address of the RAM holding physical PADDR, or NULL. */
uint8_t *riscv_phys_host(RiscvCpu *cpu, uint64_t paddr);

#endif
