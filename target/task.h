/* SPDX-License-Identifier: MIT */
/* Processes: creation, fork (kernel/fork.c) and exit. */
#ifndef MMFUZZ_TARGET_TASK_H
#define MMFUZZ_TARGET_TASK_H

#include "model.h"

/* A new process with an empty address space; -1 if none is free. */
int process_alloc(int parent);
/* The initial process: one private anon RW VMA over all pages. */
int process_create_init(void);

/* fork(): a child process whose mm is a COW copy of the caller's.
 * Returns the child's id, or -1. */
int do_fork(void);
/* dup_mmap(): copy VMAs and page tables (fork.c); false on -ENOMEM. */
bool dup_mmap(struct mm_struct *child, struct mm_struct *parent);

/* The last thread of a process left: tear down its mm, drop its pins
 * and pipe buffers (exit_mmap, then exit_files). */
void exit_process(int proc);

#endif
