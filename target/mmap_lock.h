/* SPDX-License-Identifier: MIT */
/*
 * The mmap_lock API (include/linux/mmap_lock.h) over the model's rwsem,
 * with the lock-latency view of the mmap-lock debates: how long writers
 * wait for it, and whether anyone sleeps for I/O while holding it.
 */
#ifndef MMFUZZ_TARGET_MMAP_LOCK_H
#define MMFUZZ_TARGET_MMAP_LOCK_H

#include "model.h"

void mmap_read_lock(struct mm_struct *mm);
/* true: held for read; false: a writer holds it or someone waits for it. */
bool mmap_read_trylock(struct mm_struct *mm);
void mmap_read_unlock(struct mm_struct *mm);
void mmap_write_lock(struct mm_struct *mm);
void mmap_write_unlock(struct mm_struct *mm);
void mmap_write_downgrade(struct mm_struct *mm);
/* The caller holds an mmap_lock, for read or write (the model counts the
 * locks a thread holds, not which mm's). */
void mmap_assert_locked(const struct mm_struct *mm);
/* The caller holds this mm's mmap_lock for write. */
void mmap_assert_write_locked(const struct mm_struct *mm);

/* A sleep for I/O (io_schedule): recorded, and an error under the
 * opt-in check, when the thread holds an mmap_lock. */
void io_schedule(const char *what);

#endif
