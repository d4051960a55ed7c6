/* SPDX-License-Identifier: MIT */
/*
 * What a simulated user thread can do: the system calls, the CPU's loads
 * and stores, and the devices behind GUP pins. Each runs in the calling
 * thread's process (current_pid()).
 */
#ifndef MMFUZZ_TARGET_SYSCALLS_H
#define MMFUZZ_TARGET_SYSCALLS_H

#include <stdbool.h>

/* A CPU load/store through this CPU's TLB, faulting as needed. false:
 * SIGSEGV (va not mapped, or not writable). Reads are checked by the
 * oracles; writes store a fresh value and log its provenance. */
bool user_read(int va, int word);
bool user_write(int va, int word);

int sys_fork(void);	 /* child process id, or -1 */
bool sys_munmap(int va); /* one page */
bool sys_mmap(int va);	 /* a fresh private anon RW page at va */
bool sys_madvise_dontneed(int va);
/* mmap(MAP_FIXED) of the file's page va at va; mode: enum file_map. */
bool sys_mmap_file(int va, int mode);
bool sys_mprotect(int va, bool writable);
/* mremap(va, 1 page, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, new_va):
 * the page moves to new_va; the old VMA stays, empty and without anon_vma. */
bool sys_mremap_dontunmap(int va, int new_va);
/* mbind(va, 1 page, ...): the page's VMA gets a new memory policy. */
bool sys_mbind(int va);
/* A fresh private anon RW page at va that grows down (VM_GROWSDOWN): a
 * fault on the free page just below it expands it (expand_stack). */
bool sys_mmap_stack(int va);

/* Soft-dirty: write "4" to /proc/self/clear_refs; read pagemap's bit 55. */
void sys_clear_refs(void);
bool sys_pagemap_read(int va);

/* userfaultfd write-protect: see userfaultfd.h. */
bool sys_uffd_register(int va);
bool sys_uffd_writeprotect(int va, bool enable_wp);
void uffd_monitor_resolve(void);

/* read(O_DIRECT) of one word into the buffer at va. */
bool sys_read_odirect(int va, int word);
/* pwrite(/proc/self/mem) of one word at va (FOLL_FORCE). */
bool sys_proc_mem_write(int va, int word);
/* Fault injection: the next read I/O of file page va fails (EIO). */
void sys_inject_eio(int va);
/* Fault injection (failslab): the next chain allocation of a merge's
 * dup_anon_vma fails, in whichever process merges next; the clones of a
 * split, fork or mremap do not fail (the model has no failure path for
 * them). */
void sys_inject_enomem(void);

/* vmsplice(pipe, va): the pipe holds a FOLL_GET reference to the page. */
bool sys_vmsplice(int va);
/* read(pipe): consume every buffer, checking what it shows. */
void sys_pipe_read(void);

/* A long-term pin for a device (io_uring fixed buffer, RDMA MR). */
bool dev_pin(int va, bool writable);
void dev_unpin(int slot);
/* The device writes/reads the pinned buffer by DMA. */
void dev_dma_write(int slot, int word);
void dev_dma_read(int slot, int word);

#endif
