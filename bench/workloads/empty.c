/*
 * Nothing to do: the harness times this to learn each emulator's fixed
 * cost (start, loading, the report, exit) and takes it out of the others.
 */
#include "bench.h"

int main(void)
{
    report("empty", 0);
    return 0;
}
