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
