/*
 * The IR and its interpreter: each op computes what ir-ops.h says, labels
 * and branches, env access, helper calls, guest memory hooks, and the
 * precise instruction boundary where an exit request stops a block.
 */
#include "../../tcg/interp/interp.h"

typedef struct Env {
    uint64_t regs[4];
    uint32_t word;
    uint8_t mem[64];
    unsigned stores;
} Env;

static uint64_t env_load(void *opaque, uint64_t addr, MemOp mo, unsigned idx)
{
    Env *e = opaque;
    uint64_t v = 0;

    memcpy(&v, &e->mem[addr], memop_size(mo));
    if (mo & MO_SIGN) {
        unsigned bits = 8 * memop_size(mo);

        v = (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
    }
    return v;
}

static void env_store(void *opaque, uint64_t addr, uint64_t v, MemOp mo,
                      unsigned idx)
{
    Env *e = opaque;

    memcpy(&e->mem[addr], &v, memop_size(mo));
    e->stores++;
}

static const IrMemHooks hooks = { env_load, env_store };

static uint64_t run(IrFunc *f, Env *env, IrExecState *st, InterpExit *exit)
{
    InterpCode *code = interp_prepare(f);
    InterpExit e = interp_run(code, env, st, &hooks);

    if (exit) {
        *exit = e;
    }
    interp_free(code);
    return env->regs[0];
}

/* regs[0] = OPC(A, B) */
static uint64_t binop(IrOpcode opc, uint64_t a, uint64_t b)
{
    IrFunc f;
    IrExecState st = { 0 };
    Env env = { 0 };
    uint64_t r;

    ir_func_init(&f);
    ir_st_env(&f, ir_binop(&f, opc, ir_movi(&f, a), ir_movi(&f, b)),
              offsetof(Env, regs[0]), 8);
    ir_exit_tb(&f, IR_EXIT_LOOKUP);
    r = run(&f, &env, &st, NULL);
    ir_func_destroy(&f);
    g_free(st.temps);
    return r;
}

static uint64_t unop(IrOpcode opc, uint64_t a)
{
    IrFunc f;
    IrExecState st = { 0 };
    Env env = { 0 };
    uint64_t r;

    ir_func_init(&f);
    ir_st_env(&f, ir_unop(&f, opc, ir_movi(&f, a)), offsetof(Env, regs[0]), 8);
    ir_exit_tb(&f, IR_EXIT_LOOKUP);
    r = run(&f, &env, &st, NULL);
    ir_func_destroy(&f);
    g_free(st.temps);
    return r;
}

static void test_arith64(void)
{
    g_assert_cmphex(binop(IR_add, UINT64_MAX, 2), ==, 1);
    g_assert_cmphex(binop(IR_sub, 1, 2), ==, UINT64_MAX);
    g_assert_cmphex(binop(IR_shl, 1, 65), ==, 2);
    g_assert_cmphex(binop(IR_shr, 0x8000000000000000ull, 63), ==, 1);
    g_assert_cmphex(binop(IR_sar, 0x8000000000000000ull, 63), ==, UINT64_MAX);
    g_assert_cmphex(binop(IR_rotl, 0x8000000000000001ull, 1), ==, 3);
    g_assert_cmphex(binop(IR_rotr, 3, 1), ==, 0x8000000000000001ull);
    g_assert_cmphex(binop(IR_rotr, 3, 0), ==, 3);
    g_assert_cmphex(binop(IR_mul, 0x100000000ull, 0x100000001ull), ==,
                    0x100000000ull);
    g_assert_cmphex(binop(IR_mulsh, (uint64_t)-2, 3), ==, UINT64_MAX);
    g_assert_cmphex(binop(IR_muluh, (uint64_t)-2, 3), ==, 2);
    g_assert_cmphex(binop(IR_mulsuh, (uint64_t)-1, UINT64_MAX), ==, UINT64_MAX);
    g_assert_cmphex(unop(IR_neg, 1), ==, UINT64_MAX);
    g_assert_cmphex(unop(IR_clz, 0), ==, 64);
    g_assert_cmphex(unop(IR_clz, 1), ==, 63);
    g_assert_cmphex(unop(IR_ctz, 0x80), ==, 7);
    g_assert_cmphex(unop(IR_ctpop, 0xff00ff), ==, 16);
}

static void test_arith32(void)
{
    g_assert_cmphex(binop(IR_add_i32, 0xffffffffull, 2), ==, 1);
    g_assert_cmphex(binop(IR_sub_i32, 0, 1), ==, 0xffffffffull);
    g_assert_cmphex(binop(IR_shl_i32, 1, 33), ==, 2);
    g_assert_cmphex(binop(IR_sar_i32, 0x80000000ull, 31), ==, 0xffffffffull);
    g_assert_cmphex(binop(IR_shr_i32, 0xffffffff80000000ull, 31), ==, 1);
    g_assert_cmphex(binop(IR_rotr_i32, 1, 1), ==, 0x80000000ull);
    g_assert_cmphex(binop(IR_mul_i32, 0x10000, 0x10000), ==, 0);
    g_assert_cmphex(unop(IR_clz_i32, 0), ==, 32);
    g_assert_cmphex(unop(IR_ctz_i32, 0x100000000ull), ==, 32);
    g_assert_cmphex(unop(IR_ext32s, 0x80000000ull), ==, 0xffffffff80000000ull);
    g_assert_cmphex(unop(IR_ext8s, 0x80), ==, UINT64_MAX - 0x7f);
    g_assert_cmphex(unop(IR_ext16u, 0x12345678), ==, 0x5678);
}

/* RISC-V division (Unpriv 7.2): no traps, fixed results for 0 and overflow. */
static void test_division(void)
{
    const uint64_t min64 = 0x8000000000000000ull;

    g_assert_cmphex(binop(IR_div, (uint64_t)-7, 2), ==, (uint64_t)-3);
    g_assert_cmphex(binop(IR_rem, (uint64_t)-7, 2), ==, (uint64_t)-1);
    g_assert_cmphex(binop(IR_div, 7, 0), ==, UINT64_MAX);
    g_assert_cmphex(binop(IR_rem, 7, 0), ==, 7);
    g_assert_cmphex(binop(IR_div, min64, UINT64_MAX), ==, min64);
    g_assert_cmphex(binop(IR_rem, min64, UINT64_MAX), ==, 0);
    g_assert_cmphex(binop(IR_div, 7, UINT64_MAX), ==, (uint64_t)-7);
    g_assert_cmphex(binop(IR_divu, (uint64_t)-7, 2), ==, 0x7ffffffffffffffcull);
    g_assert_cmphex(binop(IR_remu, (uint64_t)-7, 2), ==, 1);
    g_assert_cmphex(binop(IR_divu, 7, 0), ==, UINT64_MAX);
    g_assert_cmphex(binop(IR_remu, 7, 0), ==, 7);

    /* 32-bit: the low halves in, a zero-extended result out. */
    g_assert_cmphex(binop(IR_div_i32, 0x1fffffff9ull, 2), ==, 0xfffffffdull);
    g_assert_cmphex(binop(IR_rem_i32, 0xfffffff9ull, 2), ==, 0xffffffffull);
    g_assert_cmphex(binop(IR_div_i32, 7, 0x100000000ull), ==, 0xffffffffull);
    g_assert_cmphex(binop(IR_rem_i32, 0x300000007ull, 0), ==, 7);
    g_assert_cmphex(binop(IR_div_i32, 0x80000000ull, UINT64_MAX), ==, 0x80000000ull);
    g_assert_cmphex(binop(IR_rem_i32, 0x80000000ull, 0xffffffffull), ==, 0);
    g_assert_cmphex(binop(IR_divu_i32, 0xfffffff9ull, 2), ==, 0x7ffffffcull);
    g_assert_cmphex(binop(IR_remu_i32, 0x1fffffff9ull, 2), ==, 1);
    g_assert_cmphex(binop(IR_divu_i32, 7, 0), ==, 0xffffffffull);
    g_assert_cmphex(binop(IR_remu_i32, 0x100000007ull, 0), ==, 7);
}

static void test_conditions(void)
{
    g_assert_true(ir_cond_eval(IR_LT, (uint64_t)-1, 0));
    g_assert_false(ir_cond_eval(IR_LTU, (uint64_t)-1, 0));
    g_assert_true(ir_cond_eval(IR_GEU, (uint64_t)-1, 0));
    g_assert_true(ir_cond_eval(IR_LE, 5, 5));
    g_assert_true(ir_cond_eval(IR_GTU, 6, 5));
}

/* regs[0] = sum of 1..10 with a loop built from labels and brcond. */
static void test_loop(void)
{
    IrFunc f;
    IrExecState st = { 0 };
    Env env = { 0 };
    uint32_t top;
    IrTemp i, sum, one, ten;

    ir_func_init(&f);
    top = ir_new_label(&f);
    ir_st_env(&f, ir_movi(&f, 0), offsetof(Env, regs[0]), 8);
    ir_st_env(&f, ir_movi(&f, 1), offsetof(Env, regs[1]), 8);
    ir_set_label(&f, top);
    i = ir_ld_env(&f, offsetof(Env, regs[1]), 8);
    sum = ir_binop(&f, IR_add, ir_ld_env(&f, offsetof(Env, regs[0]), 8), i);
    ir_st_env(&f, sum, offsetof(Env, regs[0]), 8);
    one = ir_movi(&f, 1);
    i = ir_binop(&f, IR_add, i, one);
    ir_st_env(&f, i, offsetof(Env, regs[1]), 8);
    ten = ir_movi(&f, 10);
    ir_brcond(&f, IR_LEU, i, ten, top);
    ir_goto_tb(&f, 1);
    {
        InterpExit e;

        g_assert_cmpuint(run(&f, &env, &st, &e), ==, 55);
        g_assert_cmpint(e, ==, INTERP_GOTO_TB1);
    }
    ir_func_destroy(&f);
    g_free(st.temps);
}

static uint64_t helper_sum4(void *env, uint64_t a, uint64_t b, uint64_t c,
                            uint64_t d)
{
    ((Env *)env)->word = 0xcafe;
    return a + 10 * b + 100 * c + 1000 * d;
}

static void test_env_call_memory(void)
{
    IrFunc f;
    IrExecState st = { 0 };
    Env env = { 0 };
    IrTemp r, addr, v;

    ir_func_init(&f);
    r = ir_call(&f, helper_sum4, 0, ir_movi(&f, 1), ir_movi(&f, 2),
                ir_movi(&f, 3), IR_NO_TEMP);
    ir_st_env(&f, r, offsetof(Env, regs[0]), 8);
    /* 4-byte env fields are zero-extended on load and truncated on store. */
    ir_st_env(&f, ir_movi(&f, 0x1ffffffffull), offsetof(Env, regs[1]), 4);
    addr = ir_movi(&f, 8);
    ir_guest_st(&f, ir_movi(&f, 0x80), addr, MO_8, 0);
    v = ir_guest_ld(&f, addr, MO_SB, 0);
    ir_st_env(&f, v, offsetof(Env, regs[2]), 8);
    ir_exit_tb(&f, IR_EXIT_REQUEST);
    {
        InterpExit e;

        g_assert_cmpuint(run(&f, &env, &st, &e), ==, 321);
        g_assert_cmpint(e, ==, INTERP_EXIT_REQUEST);
    }
    g_assert_cmphex(env.word, ==, 0xcafe);
    g_assert_cmphex(env.regs[1], ==, 0xffffffffull);
    g_assert_cmphex(env.regs[2], ==, UINT64_MAX - 0x7f);
    g_assert_cmpuint(env.stores, ==, 1);
    ir_func_destroy(&f);
    g_free(st.temps);
}

/* Three instructions each storing; an exit request set by the second
 * instruction's store stops the block before the third. */
static IrExecState *stop_state;

static void store_and_request(void *opaque, uint64_t addr, uint64_t v,
                              MemOp mo, unsigned idx)
{
    env_store(opaque, addr, v, mo, idx);
    if (addr == 1) {
        stop_state->exit_request = true;
    }
}

static void test_exit_request(void)
{
    static const IrMemHooks stop_hooks = { env_load, store_and_request };
    IrFunc f;
    IrExecState st = { 0 };
    Env env = { 0 };
    InterpCode *code;

    stop_state = &st;
    ir_func_init(&f);
    for (unsigned n = 0; n < 3; n++) {
        ir_insn_start(&f, 0x1000 + 4 * n);
        ir_guest_st(&f, ir_movi(&f, 0xaa), ir_movi(&f, n), MO_8, 0);
    }
    ir_exit_tb(&f, IR_EXIT_LOOKUP);
    code = interp_prepare(&f);
    g_assert_cmpint(interp_run(code, &env, &st, &stop_hooks), ==, INTERP_STOPPED);
    g_assert_cmphex(st.pc, ==, 0x1008);
    g_assert_cmpuint(st.insn_index, ==, 2);
    g_assert_cmpuint(env.stores, ==, 2);
    interp_free(code);
    ir_func_destroy(&f);
    g_free(st.temps);
}

static void test_print(void)
{
    IrFunc f;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    IrTemp one, two;

    ir_func_init(&f);
    ir_insn_start(&f, 0x80000000);
    one = ir_movi(&f, 1);
    two = ir_movi(&f, 2);
    ir_setcond(&f, IR_LTU, one, two);
    ir_exit_tb(&f, IR_EXIT_LOOKUP);
    ir_print(&f, out);
    fclose(out);
    g_assert_nonnull(strstr(text, "---- 0000000080000000 #0"));
    g_assert_nonnull(strstr(text, " setcond   t2,t0,t1,ltu"));
    free(text);
    ir_func_destroy(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ir/arith64", test_arith64);
    g_test_add_func("/ir/arith32", test_arith32);
    g_test_add_func("/ir/division", test_division);
    g_test_add_func("/ir/conditions", test_conditions);
    g_test_add_func("/ir/loop", test_loop);
    g_test_add_func("/ir/env-call-memory", test_env_call_memory);
    g_test_add_func("/ir/exit-request", test_exit_request);
    g_test_add_func("/ir/print", test_print);
    return g_test_run();
}
