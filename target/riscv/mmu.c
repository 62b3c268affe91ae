/*
 * Guest memory for a hart: the software TLB, page-table walks for Sv32,
 * Sv39 and Sv48 (Privileged Architecture 20211203, 4.3-4.5), physical
 * memory protection (3.7), and the load/store hooks translated code calls.
 *
 * The TLB caches, per MMU index and access type, a virtual page that
 * translated with permission and passed PMP as a whole; for RAM it also
 * caches the host address, so a hit is a compare and a memcpy.  Pages
 * that hold translated code are never given a host address for stores:
 * those go through the slow path, which invalidates the code.
 *
 * Misaligned loads and stores are performed (as on QEMU's virt); an
 * access that crosses a page is done a byte at a time, each byte
 * translated, so a fault reports the first byte that faults.
 */
#include "cpu.h"
#include "kiln/clock.h"
#include "kiln/log.h"
#include "../../tcg/tb.h"

enum {
    PTE_V = 1 << 0, PTE_R = 1 << 1, PTE_W = 1 << 2, PTE_X = 1 << 3,
    PTE_U = 1 << 4, PTE_G = 1 << 5, PTE_A = 1 << 6, PTE_D = 1 << 7,
};

enum { PMP_R = 1, PMP_W = 2, PMP_X = 4, PMP_A = 0x18, PMP_L = 0x80 };
enum { PMP_OFF = 0, PMP_TOR = 1, PMP_NA4 = 2, PMP_NAPOT = 3 };

static const unsigned fault_cause[3][2] = {
    /* access fault, page fault */
    [ACCESS_LOAD] = { EXC_LOAD_ACCESS, EXC_LOAD_PAGE_FAULT },
    [ACCESS_STORE] = { EXC_STORE_ACCESS, EXC_STORE_PAGE_FAULT },
    [ACCESS_FETCH] = { EXC_INST_ACCESS, EXC_INST_PAGE_FAULT },
};

void riscv_tlb_flush(RiscvCpu *cpu)
{
    memset(cpu->tlb, 0xff, sizeof(cpu->tlb));
    memset(cpu->tlb_victim, 0xff, sizeof(cpu->tlb_victim));
}

/*
 * The entry for VADDR's page whose TYPE tag holds it, brought back from
 * the victims (swapped with the entry displaced) if it is there, or NULL.
 */
static TlbEntry *tlb_find(RiscvCpu *cpu, unsigned mmu_idx, uint64_t vaddr,
                          AccessType type)
{
    TlbEntry *e = &cpu->tlb[mmu_idx][(vaddr >> PAGE_BITS) % TLB_SIZE];
    uint64_t page = vaddr & PAGE_MASK;

    if (e->tag[type] == page) {
        return e;
    }
    for (unsigned k = 0; k < TLB_VICTIMS; k++) {
        TlbEntry *v = &cpu->tlb_victim[mmu_idx][k];

        if (v->tag[type] == page) {
            TlbEntry t = *e;

            *e = *v;
            *v = t;
            return e;
        }
    }
    return NULL;
}

void riscv_tlb_protect_code(uint64_t paddr)
{
    GPtrArray *cpus = riscv_cpus();
    uint64_t page = paddr & PAGE_MASK;

    for (guint i = 0; i < cpus->len; i++) {
        RiscvCpu *cpu = g_ptr_array_index(cpus, i);

        for (unsigned idx = 0; idx < MMU_IDX_COUNT; idx++) {
            for (unsigned k = 0; k < TLB_SIZE; k++) {
                if (cpu->tlb[idx][k].paddr == page) {
                    cpu->tlb[idx][k].host_tag[ACCESS_STORE] = UINT64_MAX;
                }
            }
            for (unsigned k = 0; k < TLB_VICTIMS; k++) {
                if (cpu->tlb_victim[idx][k].paddr == page) {
                    cpu->tlb_victim[idx][k].host_tag[ACCESS_STORE] = UINT64_MAX;
                }
            }
        }
    }
}

unsigned riscv_data_mmu_idx(RiscvCpu *cpu)
{
    if (cpu->priv == PRV_M && (cpu->mstatus & MSTATUS_MPRV)) {
        return (cpu->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    }
    return cpu->priv;
}

/* --- PMP --- */

/* The range [lo, hi] entry I covers, or false if it is off. */
static bool pmp_range(RiscvCpu *cpu, unsigned i, uint64_t *lo, uint64_t *hi)
{
    uint8_t cfg = cpu->pmpcfg[i];
    uint64_t a = cpu->pmpaddr[i];

    switch ((cfg & PMP_A) >> 3) {
    case PMP_TOR:
        *lo = i ? cpu->pmpaddr[i - 1] << 2 : 0;
        *hi = (a << 2) - 1;
        return (a << 2) > *lo;
    case PMP_NA4:
        *lo = a << 2;
        *hi = *lo + 3;
        return true;
    case PMP_NAPOT: {
        /* Trailing ones of pmpaddr give the size: 2^(ones + 3) bytes. */
        unsigned ones = (unsigned)__builtin_ctzll(~a);
        uint64_t size = ones >= 61 ? UINT64_MAX : (8ull << ones) - 1;

        *lo = (a << 2) & ~size;
        *hi = *lo + size;
        return true;
    }
    default:
        return false;
    }
}

/*
 * May an access of privilege PRIV reach [addr, addr + len)?  The lowest
 * numbered entry that matches any byte decides, and it must cover all of
 * them (3.7.1).  With no entry active, every access is allowed, as on
 * QEMU, so bare-metal code that never programs PMP can use U-mode.
 */
static bool pmp_allows(RiscvCpu *cpu, uint64_t addr, uint64_t len,
                       AccessType type, unsigned priv)
{
    static const uint8_t need[3] = { PMP_R, PMP_W, PMP_X };
    uint64_t last = addr + len - 1;
    bool any_active = false;

    for (unsigned i = 0; i < PMP_ENTRIES; i++) {
        uint64_t lo, hi;
        uint8_t cfg = cpu->pmpcfg[i];

        if (!pmp_range(cpu, i, &lo, &hi)) {
            any_active |= (cfg & PMP_A) != 0;
            continue;
        }
        any_active = true;
        if (last < lo || addr > hi) {
            continue;
        }
        if (addr < lo || last > hi) {
            return false;
        }
        if (priv == PRV_M && !(cfg & PMP_L)) {
            return true;
        }
        return (cfg & need[type]) != 0;
    }
    return priv == PRV_M || !any_active;
}

/* --- page-table walk --- */

typedef struct WalkResult {
    uint64_t paddr;
    bool page_fault;        /* else access fault */
} WalkResult;

static bool pte_load(RiscvCpu *cpu, uint64_t paddr, unsigned size,
                     uint64_t *pte)
{
    if (!pmp_allows(cpu, paddr, size, ACCESS_LOAD, PRV_S)) {
        return false;
    }
    return as_load(cpu->as, paddr, size, pte) == MEM_OK;
}

/* Walk the page table; false with *res describing the fault. */
static bool page_walk(RiscvCpu *cpu, uint64_t vaddr, AccessType type,
                      unsigned priv, bool peek, WalkResult *res)
{
    unsigned mode, levels, vpn_bits, pte_size, va_bits;
    uint64_t base, pte = 0, pte_addr = 0;
    int level;
    bool sum = cpu->mstatus & MSTATUS_SUM;
    bool mxr = cpu->mstatus & MSTATUS_MXR;

    res->page_fault = true;
    if (cpu->xlen == 32) {
        mode = (cpu->satp >> 31) & 1;
        base = (cpu->satp & 0x3fffff) << PAGE_BITS;
        levels = 2, vpn_bits = 10, pte_size = 4, va_bits = 32;
    } else {
        mode = (unsigned)(cpu->satp >> 60);
        base = (cpu->satp & ((1ull << 44) - 1)) << PAGE_BITS;
        levels = mode == 9 ? 4 : 3, vpn_bits = 9, pte_size = 8;
        va_bits = 12 + levels * 9;
    }
    if (mode == 0) {
        res->paddr = vaddr;
        return true;
    }
    /*
     * Sv39/Sv48: bits above the VA must equal its top bit (4.4.1).  Only
     * when translating: with Bare every address is physical as it is.
     */
    if (cpu->xlen == 64 &&
        ((int64_t)(vaddr << (64 - va_bits)) >> (64 - va_bits)) !=
        (int64_t)vaddr) {
        return false;
    }
    for (level = (int)levels - 1; level >= 0; level--) {
        unsigned shift = PAGE_BITS + (unsigned)level * vpn_bits;
        uint64_t idx = (vaddr >> shift) & ((1ull << vpn_bits) - 1);

        pte_addr = base + idx * pte_size;
        if (!pte_load(cpu, pte_addr, pte_size, &pte)) {
            res->page_fault = false;
            return false;
        }
        /* Bits 63:54 are reserved without Svpbmt/Svnapot (4.4.1). */
        if (pte_size == 8 && (pte >> 54)) {
            return false;
        }
        if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W))) {
            return false;
        }
        if (pte & (PTE_R | PTE_X)) {
            break;
        }
        if (pte & (PTE_A | PTE_D | PTE_U)) {
            return false;
        }
        base = (pte >> 10) << PAGE_BITS;
    }
    if (level < 0) {
        return false;
    }
    /* Permissions (4.3.2 step 5). */
    if (peek) {
        priv = PRV_M;   /* a debugger sees every valid mapping */
    }
    if (priv == PRV_U && !(pte & PTE_U)) {
        return false;
    }
    if (priv == PRV_S && (pte & PTE_U) && (type == ACCESS_FETCH || !sum)) {
        return false;
    }
    if (!peek &&
        ((type == ACCESS_FETCH && !(pte & PTE_X)) ||
         (type == ACCESS_LOAD && !(pte & PTE_R) && !(mxr && (pte & PTE_X))) ||
         (type == ACCESS_STORE && !(pte & PTE_W)))) {
        return false;
    }
    {
        unsigned shift = PAGE_BITS + (unsigned)level * vpn_bits;
        uint64_t ppn = pte >> 10;
        uint64_t low_mask = (1ull << (shift - PAGE_BITS)) - 1;

        /* A misaligned superpage is a fault (4.3.2 step 6). */
        if (ppn & low_mask) {
            return false;
        }
        res->paddr = ((ppn << PAGE_BITS) & ~((1ull << shift) - 1)) |
                     (vaddr & ((1ull << shift) - 1));
        if (cpu->xlen == 32) {
            res->paddr &= (1ull << 34) - 1;
        }
    }
    /* Set A, and D for a store, in hardware (Svadu behaviour). */
    if (!peek) {
        uint64_t want = PTE_A | (type == ACCESS_STORE ? PTE_D : 0);

        if ((pte & want) != want) {
            if (!pmp_allows(cpu, pte_addr, pte_size, ACCESS_STORE, PRV_S) ||
                as_store(cpu->as, pte_addr, pte_size, pte | want) != MEM_OK) {
                res->page_fault = false;
                return false;
            }
        }
    }
    return true;
}

bool riscv_debug_translate(RiscvCpu *cpu, uint64_t vaddr, uint64_t *paddr)
{
    unsigned priv = riscv_data_mmu_idx(cpu);
    WalkResult res = { 0 };

    if (cpu->xlen == 32) {
        vaddr = (uint32_t)vaddr;
    }
    if (priv == PRV_M) {
        *paddr = vaddr;
        return true;
    }
    if (!page_walk(cpu, vaddr, ACCESS_LOAD, priv, true, &res)) {
        return false;
    }
    *paddr = res.paddr;
    return true;
}

uint8_t *riscv_phys_host(RiscvCpu *cpu, uint64_t paddr)
{
    const FlatRange *fr = as_lookup(cpu->as, paddr);

    if (!fr || (fr->mr->kind != MR_RAM && fr->mr->kind != MR_ROM)) {
        return NULL;
    }
    return fr->mr->host + fr->offset + (paddr - fr->start);
}

/* Host address of the whole page of PADDR if it is RAM (or ROM for reads). */
static uint8_t *page_host(RiscvCpu *cpu, uint64_t paddr, AccessType type)
{
    uint64_t page = paddr & PAGE_MASK;
    const FlatRange *fr = as_lookup(cpu->as, page);

    if (!fr || fr->last < page + PAGE_SIZE - 1) {
        return NULL;
    }
    if (fr->mr->kind == MR_RAM ||
        (fr->mr->kind == MR_ROM && type != ACCESS_STORE)) {
        return fr->mr->host + fr->offset + (page - fr->start);
    }
    return NULL;
}

uint64_t riscv_translate(RiscvCpu *cpu, uint64_t vaddr, AccessType type,
                         unsigned mmu_idx, unsigned size)
{
    WalkResult res = { 0 };
    unsigned priv = mmu_idx;
    uint64_t page = vaddr & PAGE_MASK;
    TlbEntry *e = &cpu->tlb[mmu_idx][(vaddr >> PAGE_BITS) % TLB_SIZE];

    if (priv == PRV_M) {
        res.paddr = vaddr;
    } else if (!page_walk(cpu, vaddr, type, priv, false, &res)) {
        log_mask(LOG_MMU, "%s: %s fault at 0x%" PRIx64 " (%s)\n",
                 cpu->dev.path, res.page_fault ? "page" : "access", vaddr,
                 type == ACCESS_FETCH ? "fetch" : type == ACCESS_LOAD ? "load"
                                                                      : "store");
        riscv_raise_exception(cpu, fault_cause[type][res.page_fault],
                              riscv_sext(cpu, vaddr));
    }
    if (!pmp_allows(cpu, res.paddr, size, type, priv)) {
        riscv_raise_exception(cpu, fault_cause[type][0], riscv_sext(cpu, vaddr));
    }
    /* Cache the page only if PMP treats all of it alike. */
    if (pmp_allows(cpu, res.paddr & PAGE_MASK, PAGE_SIZE, type, priv)) {
        uint64_t ppage = res.paddr & PAGE_MASK;

        if (e->paddr != ppage) {
            unsigned k = cpu->tlb_victim_next[mmu_idx]++ % TLB_VICTIMS;

            cpu->tlb_victim[mmu_idx][k] = *e;
            e->tag[0] = e->tag[1] = e->tag[2] = UINT64_MAX;
        }
        e->tag[type] = page;
        e->paddr = ppage;
        e->host = page_host(cpu, ppage, ACCESS_LOAD);
        /*
         * addend holds for PAGE only: a tag of another virtual page that
         * maps to the same physical one loses its host tag.
         */
        e->addend = (uintptr_t)e->host - (uintptr_t)page;
        /* All of a RAM region mapped one to one shares the addend. */
        if (e->host && res.paddr == vaddr) {
            cpu->tlb_guess[mmu_idx] = e->addend;
        }
        e->host_tag[ACCESS_LOAD] = e->host && e->tag[ACCESS_LOAD] == page
                                   ? page : UINT64_MAX;
        e->host_tag[ACCESS_STORE] = e->host && e->tag[ACCESS_STORE] == page &&
                                    page_host(cpu, ppage, ACCESS_STORE) &&
                                    !tb_page_has_code(ppage) ? page : UINT64_MAX;
    }
    return res.paddr;
}

/* --- the hooks translated code calls --- */

static RiscvCpu *env_cpu(void *env)
{
    return env;
}

/* Bring the clock to this instruction's time before a device sees it. */
static void sync_clock(RiscvCpu *cpu)
{
    clock_advance_to(cpu->time +
                     ((int64_t)cpu->exec.insn_index << cpu->icount_shift));
}

static uint64_t phys_load(RiscvCpu *cpu, uint64_t vaddr, uint64_t paddr,
                          unsigned size)
{
    uint8_t *host = riscv_phys_host(cpu, paddr);
    uint64_t v = 0;

    if (host && riscv_phys_host(cpu, paddr + size - 1)) {
        memcpy(&v, host, size);
        return v;
    }
    sync_clock(cpu);
    if (as_load(cpu->as, paddr, size, &v) != MEM_OK) {
        riscv_raise_exception(cpu, EXC_LOAD_ACCESS, riscv_sext(cpu, vaddr));
    }
    /* The device's own delay (a cosim model's annotated time) stalls the hart. */
    cpu->time += clock_take_stall();
    /*
     * A device may have changed interrupts or timers: re-check after this
     * insn.  Native code also counts on it to reuse loaded values only
     * from RAM (tcg/native.h).
     */
    cpu->exec.exit_request = true;
    return v;
}

static void phys_store(RiscvCpu *cpu, uint64_t vaddr, uint64_t paddr,
                       unsigned size, uint64_t value)
{
    uint8_t *host = riscv_phys_host(cpu, paddr);

    if (host && riscv_phys_host(cpu, paddr + size - 1) &&
        as_lookup(cpu->as, paddr)->mr->kind == MR_RAM) {
        memcpy(host, &value, size);
        /* Self-modifying code: drop the blocks translated from this page. */
        if (tb_invalidate_page(paddr) | tb_invalidate_page(paddr + size - 1)) {
            if (cpu->cur_tb && cpu->cur_tb->invalid) {
                cpu->exec.exit_request = true;
            }
            riscv_tlb_flush(cpu);
        }
        return;
    }
    sync_clock(cpu);
    if (as_store(cpu->as, paddr, size, value) != MEM_OK) {
        riscv_raise_exception(cpu, EXC_STORE_ACCESS, riscv_sext(cpu, vaddr));
    }
    cpu->time += clock_take_stall();
    cpu->exec.exit_request = true;
}

static uint64_t sign_extend(uint64_t v, MemOp mo)
{
    unsigned bits = 8 * memop_size(mo);

    if (!(mo & MO_SIGN) || bits == 64) {
        return v;
    }
    return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
}

static uint64_t mem_load(void *env, uint64_t addr, MemOp mo, unsigned mmu_idx)
{
    RiscvCpu *cpu = env_cpu(env);
    unsigned size = memop_size(mo);
    TlbEntry *e;
    uint64_t v = 0;

    if (cpu->xlen == 32) {
        addr = (uint32_t)addr;
    }
    e = &cpu->tlb[mmu_idx][(addr >> PAGE_BITS) % TLB_SIZE];
    if (likely(((addr & ~PAGE_MASK) + size) <= PAGE_SIZE)) {
        if (likely(e->tag[ACCESS_LOAD] == (addr & PAGE_MASK) && e->host)) {
            memcpy(&v, e->host + (addr & ~PAGE_MASK), size);
        } else if ((e = tlb_find(cpu, mmu_idx, addr, ACCESS_LOAD))) {
            /* Translated and allowed already: a device page, or the victim way. */
            v = phys_load(cpu, addr, e->paddr | (addr & ~PAGE_MASK), size);
        } else {
            v = phys_load(cpu, addr,
                          riscv_translate(cpu, addr, ACCESS_LOAD, mmu_idx, size),
                          size);
        }
    } else {
        for (unsigned i = 0; i < size; i++) {
            uint64_t a = addr + i;
            uint64_t b = phys_load(cpu, a,
                                   riscv_translate(cpu, a, ACCESS_LOAD, mmu_idx, 1),
                                   1);

            v |= b << (8 * i);
        }
    }
    return sign_extend(v, mo);
}

static void mem_store(void *env, uint64_t addr, uint64_t value, MemOp mo,
                      unsigned mmu_idx)
{
    RiscvCpu *cpu = env_cpu(env);
    unsigned size = memop_size(mo);
    TlbEntry *e;

    if (cpu->xlen == 32) {
        addr = (uint32_t)addr;
    }
    e = &cpu->tlb[mmu_idx][(addr >> PAGE_BITS) % TLB_SIZE];
    if (likely(((addr & ~PAGE_MASK) + size) <= PAGE_SIZE)) {
        if (likely(e->host_tag[ACCESS_STORE] == (addr & PAGE_MASK))) {
            memcpy(e->host + (addr & ~PAGE_MASK), &value, size);
        } else if ((e = tlb_find(cpu, mmu_idx, addr, ACCESS_STORE))) {
            phys_store(cpu, addr, e->paddr | (addr & ~PAGE_MASK), size, value);
        } else {
            phys_store(cpu, addr,
                       riscv_translate(cpu, addr, ACCESS_STORE, mmu_idx, size),
                       size, value);
        }
        return;
    }
    /* Translate every byte first, so a fault leaves memory untouched. */
    {
        uint64_t pa[8];

        for (unsigned i = 0; i < size; i++) {
            pa[i] = riscv_translate(cpu, addr + i, ACCESS_STORE, mmu_idx, 1);
        }
        for (unsigned i = 0; i < size; i++) {
            phys_store(cpu, addr + i, pa[i], 1, (value >> (8 * i)) & 0xff);
        }
    }
}

const IrMemHooks riscv_mem_hooks = { mem_load, mem_store };

uint64_t riscv_fetch_paddr(RiscvCpu *cpu, uint64_t vaddr)
{
    TlbEntry *e;

    if (cpu->xlen == 32) {
        vaddr = (uint32_t)vaddr;
    }
    e = tlb_find(cpu, cpu->priv, vaddr, ACCESS_FETCH);
    if (likely(e)) {
        return e->paddr | (vaddr & ~PAGE_MASK);
    }
    return riscv_translate(cpu, vaddr, ACCESS_FETCH, cpu->priv, 2);
}

uint16_t riscv_fetch16(RiscvCpu *cpu, uint64_t vaddr)
{
    TlbEntry *e;
    uint64_t paddr;
    uint8_t *host;
    uint64_t v = 0;

    if (cpu->xlen == 32) {
        vaddr = (uint32_t)vaddr;
    }
    e = tlb_find(cpu, cpu->priv, vaddr, ACCESS_FETCH);
    if (e && e->host) {
        host = e->host + (vaddr & ~PAGE_MASK);
        return (uint16_t)(host[0] | host[1] << 8);
    }
    paddr = riscv_translate(cpu, vaddr, ACCESS_FETCH, cpu->priv, 2);
    host = riscv_phys_host(cpu, paddr);
    if (host) {
        return (uint16_t)(host[0] | host[1] << 8);
    }
    /* Code in MMIO space: fetch through the device, as hardware would. */
    sync_clock(cpu);
    if (as_load(cpu->as, paddr, 2, &v) != MEM_OK) {
        riscv_raise_exception(cpu, EXC_INST_ACCESS, riscv_sext(cpu, vaddr));
    }
    return (uint16_t)v;
}
