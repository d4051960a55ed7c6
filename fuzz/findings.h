/* SPDX-License-Identifier: MIT */
/* The findings folder of a model (TO BE WRITTEN). */
#ifndef MMFUZZ_FUZZ_FINDINGS_H
#define MMFUZZ_FUZZ_FINDINGS_H

#endif
