// SPDX-License-Identifier: MIT
/* Being written (issue 16). */
#include "runner.h"
