/* The GError domain of kiln. */
#include "kiln/common.h"

G_DEFINE_QUARK(kiln-error-quark, kiln_error)
