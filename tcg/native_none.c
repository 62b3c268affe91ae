/*
 * Hosts without a native backend: every block is interpreted.
 */
#include "native.h"

bool native_available(void)
{
    return false;
}

NativeCode *native_compile(const NativeTarget *target, const IrFunc *f,
                           TranslationBlock *tb, unsigned time_shift)
{
    return NULL;
}

NativeExit native_run(const NativeTarget *target, void *env,
                      TranslationBlock *tb, uint64_t budget, bool chaining)
{
    g_assert_not_reached();
}

const void *native_code_entry(const TranslationBlock *tb)
{
    return NULL;
}

void native_set_buffer_size(size_t size)
{
}

void native_unlink(TranslationBlock *tb)
{
}

void native_free(NativeCode *code)
{
}
