/* SPDX-License-Identifier: MIT */
/* VMAs of an address space: lookup, mapping and unmapping ranges. */
#ifndef MMFUZZ_TARGET_VMA_H
#define MMFUZZ_TARGET_VMA_H

#include "model.h"

/* The VMA containing va, or NULL. Caller holds mmap_lock (a lookup under
 * RCU is lock_vma_under_rcu, vma_lock.h). */
struct vm_area_struct *find_vma(struct mm_struct *mm, int va);

/*
 * The tree's nodes (vma.c). vma_tree_walk: a lookup loads the root node
 * and reads it, preemptible in between, a use-after-free if the node was
 * freed meanwhile; the caller holds mmap_lock or the RCU read lock and has
 * recorded its read of the tree. vma_tree_store: a store to the tree, a
 * new root node, the old one freed after an RCU grace period; the caller
 * holds mmap_lock for write (for read only in 6.1-6.4.0's stack expansion).
 * Both do nothing in an mm that never had a VM_GROWSDOWN VMA.
 */
void vma_tree_walk(struct mm_struct *mm);
void vma_tree_store(struct mm_struct *mm);

/* The VMA slab: a blank VMA of mm (NULL if the slab is empty), a copy of
 * orig for mm (fork, split), and the free that waits for RCU readers when
 * faults walk the tree under RCU. */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig, struct mm_struct *mm);
void vm_area_free(struct vm_area_struct *vma);
/* Publish a VMA in mm's tree, in address order (room checked by caller). */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
/* Private anon mappings are COW mappings: VM_MAYWRITE without VM_SHARED. */
bool is_cow_mapping(unsigned vm_flags);
/* Insert a private anonymous RW VMA for [start, end); false if any page
 * of the range is mapped already or no VMA slot is free. */
bool vma_insert_anon(struct mm_struct *mm, int start, int end);
/* The same with more vm_flags (VM_GROWSDOWN for a stack). */
bool vma_insert_anon_flags(struct mm_struct *mm, int start, int end, unsigned extra);

/* How a scenario maps the file at one page (the `mode` of mmap-file). */
enum file_map {
	MAP_PRIVATE_RO, /* PROT_READ, MAP_PRIVATE of a file opened O_RDONLY */
	MAP_PRIVATE_RW, /* PROT_READ|PROT_WRITE, MAP_PRIVATE */
	MAP_SHARED_RW,	/* PROT_READ|PROT_WRITE, MAP_SHARED of a file opened O_RDWR */
	MAP_SHARED_RO,	/* PROT_READ, MAP_SHARED of a file opened O_RDONLY */
	NR_FILE_MAPS
};
bool vma_insert_file(struct mm_struct *mm, int va, enum file_map mode);
/* Split VMAs so that the page at va is a VMA of its own (__split_vma),
 * to change its flags. NULL if va is unmapped or no VMA slot is left. */
struct vm_area_struct *vma_isolate(struct mm_struct *mm, int va);
/* Remove [start, end) from the VMA list, splitting VMAs as needed. */
void vma_remove_range(struct mm_struct *mm, int start, int end);
/* vma_merge() after a change of vma's flags (mprotect): merge it with a
 * neighbour it now matches; returns the VMA that covers it. The model
 * splits first and merges after, where the kernel tries the merge first;
 * when the page is a whole VMA both grow the same VMA (the previous one,
 * else the next). mmap_lock held for write. */
struct vm_area_struct *vma_merge(struct mm_struct *mm, struct vm_area_struct *vma);

#endif
