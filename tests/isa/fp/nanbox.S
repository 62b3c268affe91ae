#include "fp-test.h"
    TEST_BEGIN
    TEST_END
