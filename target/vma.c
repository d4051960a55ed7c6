/* SPDX-License-Identifier: MIT */
/*
 * VMAs: objects from a slab, and each mm's tree of them (a small array of
 * pointers sorted by address standing in for the maple tree). Splitting on
 * a partial unmap keeps the invariant "one VMA per contiguous range with
 * one set of flags", as __split_vma does.
 *
 * A VMA that leaves the tree is detached and freed through call_rcu()
 * when faults walk the tree under RCU (per-VMA locks, 6.4+), at once
 * before. Slots are handed out round-robin, so a stale pointer finds its
 * slot free (a use-after-free the oracle reports) rather than reused.
 *
 * The tree itself has nodes (struct maple_node): a store writes a new
 * node and frees the old one through call_rcu(), as the maple tree in RCU
 * mode does (6.1+), because lock_vma_under_rcu() walks it under RCU.
 * Lookups under mmap_lock take no RCU read lock: a node they walk stays
 * allocated only because every store is made under the write lock. The
 * one store that was not, stack expansion in 6.1-6.4.0, freed nodes under
 * such walkers (StackRot, CVE-2023-3269; stack.c). Nodes are tracked from
 * the first VM_GROWSDOWN VMA of an mm on: before, no walk is preempted
 * between loading its node and reading it, so the node's lifetime cannot
 * matter, and programs without a stack keep their schedules.
 */
#include "vma.h"

#include <string.h>

#include "mempolicy.h"
#include "mmap_lock.h"
#include "policy.h"
#include "rmap.h"
#include "scheduler/ordering.h"
#include "vma_lock.h"

void vma_use_after_free(const struct vm_area_struct *vma)
{
	sched_fail("memory-safety", "use-after-free",
		   "T%d touched VMA V%d [%d, %d) of P%d after it was freed", sched_self(),
		   (int)(vma - M.vma_slab), vma->start, vma->end, vma->mm);
}

/*
 * The slab allocator's own locking orders its free list: picking a slot is
 * one atomic step, and a slot handed out again is ordered after the free
 * that returned it (release_ordering() in vm_area_free_rcu_cb()).
 */
static MM_ATOMIC struct vm_area_struct *vma_slab_take(void)
{
	/* The slab's cursor is shared by every process: which slot a VMA gets
	 * depends on every allocation before it, in any mm. */
	sched_access(&M.vma_next, SCHED_WRITE);
	for (int n = 0; n < MAX_VMA_OBJS; n++) {
		int slot = (M.vma_next + n) % MAX_VMA_OBJS;
		struct vm_area_struct *v = &M.vma_slab[slot];

		sched_access(v, SCHED_READ);
		if (v->allocated)
			continue;
		M.vma_next = (slot + 1) % MAX_VMA_OBJS;
		return v;
	}
	return NULL;
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *v = vma_slab_take();

	if (v) {
		acquire_ordering(v);
		sched_access(v, SCHED_WRITE);
		*v = (struct vm_area_struct){
			.mm = mm->id,
			.allocated = true,
			.vm_lock = v->vm_lock, /* initialised once, named after the slot */
			.vm_lock_seq = -1,
		};
		return v;
	}
	mm_trace("vm_area_alloc P%d: the VMA slab is empty (ENOMEM)", mm->id);
	return NULL;
}

struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig, struct mm_struct *mm)
{
	struct vm_area_struct *v = vm_area_alloc(mm);

	if (!v)
		return NULL;
	vma_access(orig, SCHED_READ);
	v->start = orig->start;
	v->end = orig->end;
	v->vm_flags = orig->vm_flags;
	v->anon = orig->anon;
	v->file = orig->file;
	anon_vma_clone(v, orig);
	v->vm_policy = mpol_dup(orig->vm_policy); /* vma_dup_policy: a copy of its own */
	return v;
}

static void vm_area_free_rcu_cb(struct rcu_head *head)
{
	struct vm_area_struct *v =
		(struct vm_area_struct *)((char *)head - offsetof(struct vm_area_struct, rcu));

	sched_access(v, SCHED_WRITE);
	v->allocated = false;
	release_ordering(v); /* the slot's next vm_area_alloc comes after this */
}

void vm_area_free(struct vm_area_struct *vma)
{
	vma_access(vma, SCHED_WRITE);
	mpol_put(vma->vm_policy); /* remove_vma(): at once, not after RCU */
	/* Faults walk the tree under RCU with per-VMA locks, and with
	 * speculative faults (the proposal's "mm: rcu safe VMA freeing"). */
	if ((policy.per_vma_lock || policy.fault_speculative != SPF_NO) && !policy.vma_free_at_once)
		call_rcu(&vma->rcu, vm_area_free_rcu_cb);
	else
		vm_area_free_rcu_cb(&vma->rcu);
}

static void maple_node_use_after_free(const struct mm_struct *mm, const struct maple_node *node)
{
	sched_fail("memory-safety", "use-after-free",
		   "T%d walked maple node N%d of P%d's VMA tree after it was freed (a tree "
		   "store replaced it and RCU freed it %s)",
		   sched_self(), (int)(node - mm->mt_nodes), mm->id,
		   rcu_read_lock_held() ? "although this walk is inside an RCU read-side section"
					: "after this walk loaded it without the RCU read lock");
}

/*
 * The node functions touch the tree's memory, not model state that a
 * lock orders: a node's lifetime is what the memory-safety oracle judges
 * (a ThreadSanitizer report would only say the same, less precisely), so
 * they are kept out of TSan's view.
 */
static MM_ATOMIC void maple_node_free_rcu_cb(struct rcu_head *head)
{
	struct maple_node *node =
		(struct maple_node *)((char *)head - offsetof(struct maple_node, rcu));

	sched_access(node, SCHED_WRITE);
	node->allocated = false;
	mm_trace("maple node N%d of P%d freed (RCU callback)",
		 (int)(node - M.proc[node->mm].mm.mt_nodes), node->mm);
}

/* A node from mm's slab, round-robin like the VMA slab; NULL if every
 * node still waits for its grace period. */
static MM_ATOMIC struct maple_node *maple_node_alloc(struct mm_struct *mm)
{
	for (int n = 0; n < MT_NODES; n++) {
		int slot = (mm->mt_next + n) % MT_NODES;
		struct maple_node *node = &mm->mt_nodes[slot];

		sched_access(node, SCHED_WRITE);
		if (node->allocated)
			continue;
		mm->mt_next = (slot + 1) % MT_NODES;
		*node = (struct maple_node){.allocated = true, .mm = mm->id};
		return node;
	}
	return NULL;
}

MM_ATOMIC void vma_tree_store(struct mm_struct *mm)
{
	struct maple_node *old = mm->ma_root;
	struct maple_node *node = NULL;

	if (!mm->had_stack)
		return;
	sched_access(OBJ_VMA_LIST(mm), SCHED_WRITE);
	if (mm->nr_vmas > 0) {
		node = maple_node_alloc(mm);
		if (!node) {
			mm_trace("vma_tree_store P%d: no free maple node, node N%d rewritten in "
				 "place",
				 mm->id, old ? (int)(old - mm->mt_nodes) : -1);
			return;
		}
	}
	/* rcu_assign_pointer, then the old node waits for RCU walkers. */
	mm->ma_root = node;
	if (!old) {
		if (node)
			mm_trace("mas_store P%d: maple node N%d is the root", mm->id,
				 (int)(node - mm->mt_nodes));
		return;
	}
	mm_trace("mas_store P%d: %s N%d, freed by call_rcu", mm->id,
		 node ? "a new maple node replaces" : "the tree is empty: no more",
		 (int)(old - mm->mt_nodes));
	call_rcu(&old->rcu, maple_node_free_rcu_cb);
}

static MM_ATOMIC struct maple_node *mas_root(const struct mm_struct *mm)
{
	return mm->ma_root;
}

static MM_ATOMIC bool maple_node_live(const struct maple_node *node)
{
	sched_access(node, SCHED_READ);
	return node->allocated;
}

void vma_tree_walk(struct mm_struct *mm)
{
	struct maple_node *node = mas_root(mm);

	if (!node)
		return;
	mm_point("mas_walk", node, SCHED_READ, "mas_walk P%d: read maple node N%d", mm->id,
		 (int)(node - mm->mt_nodes));
	if (!maple_node_live(node))
		maple_node_use_after_free(mm, node);
}

struct vm_area_struct *find_vma(struct mm_struct *mm, int va)
{
	sched_access(OBJ_VMA_LIST(mm), SCHED_READ);
	vma_tree_walk(mm);
	for (int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area_struct *v = mm->vma[i];

		vma_access(v, SCHED_READ);
		if (v->start <= va && va < v->end)
			return v;
	}
	return NULL;
}

bool is_cow_mapping(unsigned vm_flags)
{
	return (vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/* Publish v in the tree, in address order. */
void vma_link(struct mm_struct *mm, struct vm_area_struct *v)
{
	int index = 0;

	sched_access(OBJ_VMA_LIST(mm), SCHED_WRITE);
	/* rcu_assign_pointer: a lockless walker that finds v sees it whole. */
	release_ordering(OBJ_VMA_LIST(mm));
	while (index < mm->nr_vmas && mm->vma[index]->start < v->start)
		index++;
	memmove(&mm->vma[index + 1], &mm->vma[index],
		sizeof(struct vm_area_struct *) * (size_t)(mm->nr_vmas - index));
	mm->vma[index] = v;
	mm->nr_vmas++;
	vma_mark_detached(v, false);
	if (v->vm_flags & VM_GROWSDOWN)
		mm->had_stack = true;
	vma_tree_store(mm);
}

/* Take the VMA at `index` out of the tree and free it (the caller has
 * write-locked it). */
static void vma_unlink_free(struct mm_struct *mm, int index)
{
	struct vm_area_struct *v = mm->vma[index];

	sched_access(OBJ_VMA_LIST(mm), SCHED_WRITE);
	memmove(&mm->vma[index], &mm->vma[index + 1],
		sizeof(struct vm_area_struct *) * (size_t)(mm->nr_vmas - index - 1));
	mm->nr_vmas--;
	vma_tree_store(mm);
	vma_mark_detached(v, true);
	unlink_anon_vmas(v);
	vm_area_free(v);
}

/* The VMA index of v in mm's tree. */
static int vma_index(const struct mm_struct *mm, const struct vm_area_struct *v)
{
	for (int i = 0; i < mm->nr_vmas; i++)
		if (mm->vma[i] == v)
			return i;
	return -1;
}

/*
 * is_mergeable_vma() and is_mergeable_anon_vma(): adjacent anonymous VMAs
 * with the same flags (soft-dirty aside) and policy, and no two different
 * anon_vmas. File VMAs and stacks are not merged by the model.
 */
static bool vma_can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	vma_access(a, SCHED_READ);
	vma_access(b, SCHED_READ);
	if (a->end != b->start || !a->anon || !b->anon || a->file || b->file)
		return false;
	if ((a->vm_flags ^ b->vm_flags) & ~VM_SOFTDIRTY || a->vm_flags & VM_GROWSDOWN)
		return false;
	if (a->vm_policy || b->vm_policy)
		return false;
	return !a->anon_vma || !b->anon_vma || a->anon_vma == b->anon_vma;
}

/* keep grows over gone, its neighbour on either side, which goes (both
 * write-locked first). */
static void vma_merge_pair(struct mm_struct *mm, struct vm_area_struct *keep,
			   struct vm_area_struct *gone)
{
	vma_start_write(keep);
	vma_start_write(gone);
	vma_access(keep, SCHED_WRITE);
	mm_trace("vma_merge P%d: [%d, %d) grows over [%d, %d)", mm->id, keep->start, keep->end,
		 gone->start, gone->end);
	if (gone->start < keep->start)
		keep->start = gone->start;
	else
		keep->end = gone->end;
	keep->vm_flags |= gone->vm_flags & VM_SOFTDIRTY;
	vma_unlink_free(mm, vma_index(mm, gone));
}

/* Of the VMAs a merge removes (either may be NULL), the first with an
 * anon_vma, if any. */
static struct vm_area_struct *merge_anon_vma_source(struct vm_area_struct *a,
						    struct vm_area_struct *b)
{
	struct vm_area_struct *removed[2] = {a, b};

	for (int k = 0; k < 2; k++) {
		if (!removed[k])
			continue;
		vma_access(removed[k], SCHED_READ);
		if (removed[k]->anon_vma)
			return removed[k];
	}
	return NULL;
}

/*
 * One decision, as the kernel's vma_merge() makes it: merge with the
 * previous VMA, the next, or both (their anon_vmas, where they have
 * them, the same one). The previous VMA grows if it merges (cases 6 and
 * 7), else the next one grows down over vma (case 8). The VMA that grows
 * takes the anon_vma of one it absorbs if it had none (dup_anon_vma); if
 * that fails, nothing is merged.
 */
struct vm_area_struct *vma_merge(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = NULL, *next = NULL, *dst, *src;
	int i;

	mmap_assert_write_locked(mm);
	sched_access(OBJ_VMA_LIST(mm), SCHED_READ);
	i = vma_index(mm, vma);
	if (i > 0 && vma_can_merge(mm->vma[i - 1], vma))
		prev = mm->vma[i - 1];
	if (i + 1 < mm->nr_vmas && vma_can_merge(vma, mm->vma[i + 1]))
		next = mm->vma[i + 1];
	if (prev && next && prev->anon_vma && next->anon_vma && prev->anon_vma != next->anon_vma)
		next = NULL; /* is_mergeable_anon_vma(prev, next) */
	if (!prev && !next)
		return vma;
	dst = prev ? prev : next;
	src = merge_anon_vma_source(vma, prev ? next : NULL);
	if (src && dup_anon_vma(dst, src))
		return vma;
	vma_merge_pair(mm, dst, vma);
	if (prev && next)
		vma_merge_pair(mm, dst, next);
	return dst;
}

static bool vma_insert(struct mm_struct *mm, struct vm_area_struct tmpl)
{
	struct vm_area_struct *v;

	if (mm->nr_vmas >= MAX_VMAS)
		return false;
	for (int va = tmpl.start; va < tmpl.end; va++)
		if (find_vma(mm, va))
			return false;
	v = vm_area_alloc(mm);
	if (!v)
		return false;
	v->start = tmpl.start;
	v->end = tmpl.end;
	v->vm_flags = tmpl.vm_flags;
	v->anon = tmpl.anon;
	v->file = tmpl.file;
	vma_link(mm, v);
	return true;
}

/* A new mapping is soft-dirty as a whole until the next clear_refs. */
bool vma_insert_anon_flags(struct mm_struct *mm, int start, int end, unsigned extra)
{
	return vma_insert(mm, (struct vm_area_struct){.start = start,
						      .end = end,
						      .vm_flags = VM_READ | VM_WRITE | VM_MAYWRITE |
								  VM_SOFTDIRTY | extra,
						      .anon = true});
}

bool vma_insert_anon(struct mm_struct *mm, int start, int end)
{
	return vma_insert_anon_flags(mm, start, end, 0);
}

bool vma_insert_file(struct mm_struct *mm, int va, enum file_map mode)
{
	static const unsigned flags[] = {
		/* A private mapping keeps VM_MAYWRITE even of a read-only
		 * file: it is a COW mapping, which FOLL_FORCE may write. */
		[MAP_PRIVATE_RO] = VM_READ | VM_MAYWRITE,
		[MAP_PRIVATE_RW] = VM_READ | VM_WRITE | VM_MAYWRITE,
		[MAP_SHARED_RW] = VM_READ | VM_WRITE | VM_MAYWRITE | VM_SHARED | VM_MAYSHARE,
		/* MAP_SHARED of a file opened read-only: never writable. */
		[MAP_SHARED_RO] = VM_READ | VM_MAYSHARE,
	};

	return vma_insert(mm, (struct vm_area_struct){.start = va,
						      .end = va + 1,
						      .vm_flags = flags[mode] | VM_SOFTDIRTY,
						      .file = true});
}

/* __split_vma: v keeps [start, at), a new VMA takes [at, end). */
static struct vm_area_struct *vma_split(struct mm_struct *mm, struct vm_area_struct *v, int at)
{
	struct vm_area_struct *tail;

	if (mm->nr_vmas >= MAX_VMAS)
		return NULL;
	tail = vm_area_dup(v, mm);
	if (!tail)
		return NULL;
	vma_start_write(v);
	vma_access(v, SCHED_WRITE);
	tail->start = at;
	v->end = at;
	vma_link(mm, tail);
	return tail;
}

struct vm_area_struct *vma_isolate(struct mm_struct *mm, int va)
{
	struct vm_area_struct *v = find_vma(mm, va);

	if (!v)
		return NULL;
	if (v->start < va) {
		v = vma_split(mm, v, va);
		if (!v)
			return NULL;
	}
	if (v->end > va + 1 && !vma_split(mm, v, va + 1))
		return NULL;
	return v;
}

void vma_remove_range(struct mm_struct *mm, int start, int end)
{
	sched_access(OBJ_VMA_LIST(mm), SCHED_READ);
	for (int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area_struct *v = mm->vma[i];

		vma_access(v, SCHED_READ);
		if (v->end <= start || v->start >= end)
			continue;
		if (v->start < start && v->end > end) {
			/* Hole in the middle: split in two, unmap nothing else. */
			if (vma_split(mm, v, end)) {
				vma_start_write(v);
				v->end = start;
				vma_tree_store(mm);
			}
			return;
		}
		vma_start_write(v);
		vma_access(v, SCHED_WRITE);
		if (v->start < start) {
			v->end = start;
			vma_tree_store(mm);
			continue;
		}
		if (v->end > end) {
			v->start = end;
			vma_tree_store(mm);
			continue;
		}
		vma_unlink_free(mm, i);
		i--;
	}
}
