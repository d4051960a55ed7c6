/* SPDX-License-Identifier: MIT */
/*
 * State of the modelled MM: page frames (folios), address spaces (mm) with
 * VMAs, a page table and its lock, processes, and one TLB per CPU.
 *
 * Sizes are small on purpose: a scenario touches a handful of pages, and
 * every field is scheduler-visible state that the fuzzer interleaves over.
 * Each simulated thread runs on its own CPU (cpu == thread id).
 */
#ifndef MMFUZZ_TARGET_MODEL_H
#define MMFUZZ_TARGET_MODEL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "scheduler/rcu.h"
#include "scheduler/sched.h"
#include "scheduler/sync.h"
#include "scheduler/trace.h"

#define MM_NR_PAGES	      4	 /* virtual pages per address space: va 0..3 */
#define PAGE_WORDS	      2	 /* words of content per page */
#define NR_FRAMES	      32 /* physical frames; frame 0 is the shared zero page */
#define ZERO_PFN	      0
#define MAX_PROCS	      8
#define MAX_VMAS	      8
#define MAX_VMA_OBJS	      32 /* the VMA slab, shared by every process */
#define MAX_PINS	      4	 /* pins (and pipe buffers) per process */
#define NR_CPUS		      SCHED_MAX_THREADS
#define GUP_PIN_COUNTING_BIAS 1024

/* Content of a word: the sequence number of the write that produced it
 * (0: never written, zero-filled). Provenance lives in the write log. */
typedef uint32_t wseq_t;

struct folio {
	int refcount;
	int mapcount;
	int pincount; /* FOLL_PIN pins (refcount also carries the bias) */
	bool allocated;
	bool anon;
	bool anon_exclusive; /* PG_anon_exclusive (5.19+) */
	/* folio->mapping of an anonymous folio: the anon_vma of the VMA that
	 * mapped it first, which rmap walks start from (NULL: none). */
	struct anon_vma *anon_vma;
	/* Page-cache pages: which file page this is, and whether the read
	 * I/O that fills it completed (PG_uptodate; not after an error). */
	bool pagecache;
	int index;
	bool uptodate;
	struct mutex lock;		  /* lock_page() */
	struct wait_queue_head unlock_wq; /* folio_wait_locked() sleepers */
	wseq_t data[PAGE_WORDS];
};

/* Software view of a page-table entry. */
struct pte {
	uint16_t pfn;
	bool present;
	bool write;
	bool dirty;
	bool young;
	bool soft_dirty; /* _PAGE_SOFT_DIRTY: set by the kernel's pte_mkdirty */
	bool uffd_wp;	 /* _PAGE_UFFD_WP: write-protected for userfaultfd */
};

#define VM_READ	     0x01u
#define VM_WRITE     0x02u
#define VM_MAYWRITE  0x04u
#define VM_SHARED    0x08u
#define VM_MAYSHARE  0x10u
#define VM_SOFTDIRTY 0x20u /* the whole VMA counts as soft-dirty */
#define VM_UFFD_WP   0x40u /* registered with userfaultfd in write-protect mode */
#define VM_GROWSDOWN 0x80u /* a stack: a fault on the free page below expands it */

/*
 * A NUMA memory policy (mbind), an object from its own slab with a
 * reference count: freed at once (kmem_cache_free) when the last reference
 * goes. The model tracks no nodes: only the lifetime matters.
 */
#define MAX_MPOL_OBJS (MAX_VMA_OBJS + 2 * SCHED_MAX_THREADS) /* never runs out */
struct mempolicy {
	bool allocated; /* false: free in the slab; an access is a use-after-free */
	int refcnt;
};

/*
 * An anon_vma, the root of the reverse map of anonymous folios (rmap.c),
 * from its own slab. The model keeps one per VMA at most and no chain
 * objects: `links` counts the VMAs linked to it (their anon_vma_chains);
 * the last unlink frees it, at once, as put_anon_vma does.
 */
#define MAX_ANON_VMA_OBJS (MAX_VMA_OBJS + 4)
struct anon_vma {
	bool allocated; /* false: free in the slab */
	int links;
};

/*
 * A VMA is an object with a lifetime, as in the kernel: allocated from the
 * slab (vm_area_alloc), published in its mm's tree, detached when unmapped
 * or replaced, and freed after an RCU grace period (vm_area_free), because
 * page faults find VMAs by an RCU walk that takes no mmap_lock (6.4+).
 */
struct vm_area_struct {
	int start, end; /* [start, end) in pages */
	unsigned vm_flags;
	bool anon;
	bool file; /* maps the file; page index = va (the file is as long as the space) */
	/* Set by anon_vma_prepare() (or shared by a split, fork or merge);
	 * the VMA is linked to it, except inside dup_anon_vma (B8c). */
	struct anon_vma *anon_vma;
	int mm;		/* the owning process */
	bool allocated; /* false: free in the slab; an access is a use-after-free */
	bool detached;	/* out of the tree, waiting for its RCU-deferred free */
	/* Per-VMA lock (6.4+): faults hold vm_lock for read. The VMA is
	 * write-locked while vm_lock_seq equals its mm's mm_lock_seq; the
	 * mmap_write_unlock that ends the writer's section unlocks them all. */
	struct rw_semaphore vm_lock;
	int vm_lock_seq;
	struct rcu_head rcu;
	struct mempolicy *vm_policy; /* mbind()'s policy, one reference; NULL: default */
};

/*
 * A node of an mm's VMA tree (the maple tree, 6.1+). The tree's contents
 * stay in mm->vma[]; the node stands for the memory a lookup walks. A
 * store to the tree writes a new node and frees the old one through
 * call_rcu(), as the maple tree in RCU mode does (vma.c).
 */
#define MT_NODES 8 /* per mm */
struct maple_node {
	bool allocated; /* false: back in the mm's node slab; a walk is a use-after-free */
	int mm;
	struct rcu_head rcu;
};

/* The one regular file scenarios map: its page cache (pfn per page, 0 if
 * not cached) and a fault-injection knob for read I/O errors. Cached
 * pages stay until teardown: there is no reclaim. */
#define FILE_PAGES MM_NR_PAGES
struct address_space {
	int page[FILE_PAGES];
	bool inject_eio[FILE_PAGES]; /* the next read of this page fails */
	/* Oracle bookkeeping: the last write that reached the file's page
	 * (through a shared mapping), what every mapper must read. */
	wseq_t last_write[FILE_PAGES][PAGE_WORDS];
};

struct mm_struct {
	int id; /* the owning process */
	bool live;
	struct rw_semaphore mmap_lock;
	spinlock_t ptl; /* one page-table lock for the single PTE page */
	/* The VMA tree: the mm's VMAs sorted by address (the maple tree). */
	struct vm_area_struct *vma[MAX_VMAS];
	int nr_vmas;
	/* Its root node (NULL: none tracked) and the node slab. Nodes are
	 * tracked once the mm has had a VM_GROWSDOWN VMA (had_stack): only
	 * then can a lookup be preempted inside a node (vma.c). */
	struct maple_node *ma_root;
	struct maple_node mt_nodes[MT_NODES];
	int mt_next;
	bool had_stack;
	/* Bumped by every mmap_write_unlock (vma_end_write_all). */
	int mm_lock_seq;
	/* Speculative faults (proposal, policy.fault_speculative): bumped by
	 * mmap_write_lock and mmap_write_unlock (and downgrade), so odd while
	 * a writer holds mmap_lock; untouched when the proposal is off. */
	unsigned mmap_seq;
	struct pte pte[MM_NR_PAGES];
	bool has_pinned; /* mm->has_pinned (5.9+), set by FOLL_PIN */
	/* 5.11: odd while fork write-protects the parent's PTEs; GUP-fast
	 * pins only if it stayed even and unchanged meanwhile. */
	seqcount_t write_protect_seq;
	/* Batched TLB flushes in flight (inc/dec_tlb_flush_pending): a PTE
	 * changed, but some CPU may still cache the old translation. */
	atomic_int tlb_flush_pending;
	/* userfaultfd: wp faults waiting for the monitor, and whether the
	 * monitor is gone (ctx->released: faults resolve normally). */
	struct sched_waitq uffd_monitor;  /* the monitor waiting for a message */
	struct sched_waitq uffd_faulting; /* faults waiting to be resolved */
	int uffd_msg_va[SCHED_MAX_THREADS];
	int uffd_nr_msgs;
	bool uffd_released;
	char lock_names[2][20];
};

/* A GUP reference held on behalf of a process: a FOLL_PIN pin (device
 * buffer) or a FOLL_GET reference held by a pipe (vmsplice). */
struct gup_ref {
	bool used;
	bool pin;      /* FOLL_PIN (else FOLL_GET) */
	bool writable; /* taken with FOLL_WRITE */
	int pfn;
	int va;
	bool discarded; /* the user unmapped/zapped va since: no coherency promise */
};

/* Per (process, va, word): what a read must return. */
struct expectation {
	wseq_t last; /* last completed write (0: zero-filled) */
	/* Right after fork, a child may see the parent's value when fork
	 * started, or a write the parent made while fork ran, in
	 * [fork_lo, fork_hi): open until the child writes here or zaps it. */
	bool fork_open;
	wseq_t at_fork;
	bool at_fork_file; /* at fork the parent read the file here: any of its contents */
	wseq_t fork_lo;
	wseq_t fork_hi;
	bool unmapped; /* va not mapped: no promise */
	/* va maps the file and the process has not written here since: a
	 * read sees the file's content (writes through shared mappings). */
	bool file_backed;
};

/* Per (process, va): what the write-protect trackers promise. */
struct tracking {
	bool written_since_clear;  /* O5: a store completed after clear_refs returned */
	bool soft_dirty_untracked; /* clear_refs skipped it: maybe pinned (5.11) */
	bool uffd_protected;	   /* O6: UFFDIO_WRITEPROTECT(WP) returned, not resolved */
	unsigned unprotects;	   /* unprotects of va started so far */
	unsigned unprotecting;	   /* unprotects of va in flight */
};

struct process {
	bool used;
	bool exited;
	int parent;	       /* -1 for the initial process */
	wseq_t fork_seq;       /* writes with seq < fork_seq by ancestors are inherited */
	atomic_int nr_threads; /* live threads (signal->live) */
	struct mm_struct mm;
	struct mutex dev_mutex; /* the device's buffer table (io_uring's uring_lock) */
	struct gup_ref pins[MAX_PINS];
	struct mutex pipe_mutex; /* pipe_lock(): vmsplice and read are serialised */
	struct gup_ref pipe[MAX_PINS];
	struct expectation expect[MM_NR_PAGES][PAGE_WORDS];
	unsigned discards[MM_NR_PAGES]; /* how often each va was zapped */
	struct tracking track[MM_NR_PAGES];
	atomic_int clear_refs_running; /* clear_refs in progress: stores may or may not count */
};

struct tlb_entry {
	bool valid;
	int mm; /* process id the entry belongs to */
	int pfn;
	bool writable;
	bool dirty;
	uint64_t filled;   /* step of the walk that filled it */
	unsigned discards; /* how often the va had been zapped then */
};

struct cpu {
	struct tlb_entry tlb[MM_NR_PAGES];
};

/* One entry per completed write: the provenance of a value. */
enum write_via {
	VIA_CPU,    /* a user store */
	VIA_DMA,    /* a device through a long-term pin */
	VIA_DIO,    /* a device finishing an O_DIRECT read into the buffer */
	VIA_KERNEL, /* the kernel through GUP: a /proc/pid/mem or ptrace write */
};
struct write_record {
	int proc;
	int thread;
	int va;
	int word;
	enum write_via via;
	bool shared; /* through a MAP_SHARED file mapping: every mapper sees it */
	uint64_t step;
};

#define MAX_WRITES 512

struct machine {
	struct folio frame[NR_FRAMES];
	struct vm_area_struct vma_slab[MAX_VMA_OBJS];
	int vma_next; /* where vm_area_alloc() looks first: slots are reused late */
	struct mempolicy mpol_slab[MAX_MPOL_OBJS];
	int mpol_next; /* the same round-robin for memory policies */
	struct anon_vma anon_vma_slab[MAX_ANON_VMA_OBJS];
	int anon_vma_next; /* and for anon_vmas */
	/* Fault injection (failslab): the next anon_vma_chain allocation of
	 * anon_vma_clone fails with -ENOMEM. */
	bool inject_enomem;
	struct process proc[MAX_PROCS];
	struct cpu cpu[NR_CPUS];
	int thread_proc[NR_CPUS]; /* process of each thread */
	struct write_record writes[MAX_WRITES];
	wseq_t nr_writes; /* last used seq */
	/* Per CPU: the page its last GUP grabbed (oracle): where it is mapped
	 * (mremap moves it) and the zap count of that va at the grab. */
	struct gup_grab {
		int proc, va;
		unsigned discards;
	} grab[NR_CPUS];
	atomic_int nr_procs; /* processes created (the pid allocator) */
	struct address_space file;
	/* Lock-latency view: per thread, mmap_lock held (depth); per
	 * execution, the longest wait for it in write mode and how often a
	 * thread slept for I/O while holding it. */
	int mmap_lock_depth[NR_CPUS];
	uint64_t mmap_write_wait_max;
	unsigned io_under_mmap_lock;
	/* The write a lost-write or pin-coherency verdict found missing. */
	wseq_t missed_write;
	/* tlb.c, invariant (1): the first write-protecting call that returned
	 * while a CPU could still store through a translation it revoked. A
	 * latent violation: reported at teardown unless a symptom came first. */
	struct tlb_latent {
		bool found;
		const char *call; /* "mprotect(PROT_READ)", "clear_refs", ... */
		int proc, va, cpu, pfn;
		uint64_t returned, filled; /* steps */
	} tlb_latent;
	/* Fuzzer feedback only (feedback.c): the op each CPU runs (kind + 1),
	 * which program thread (+ 1) and which of its ops (+ 1) that is, the
	 * op that last took a writable PTE away (kind + 1), per CPU the frame
	 * its wp_page_copy() copies and how far it got, the page of the
	 * last feature reported, per CPU its last TLB-hit feature and, per
	 * write, the TLB-hit feature of the store that made it (if any). */
	struct feedback_state {
		uint8_t op[NR_CPUS];
		uint8_t thread[NR_CPUS];
		uint8_t op_index[NR_CPUS];
		uint8_t va;
		uint8_t revoked_by[MAX_PROCS][MM_NR_PAGES];
		uint8_t revoked_on[MAX_PROCS][MM_NR_PAGES]; /* and on which CPU (+ 1) */
		struct cow_in_flight {
			int pfn;
			enum cow_phase { COW_NONE, COW_COPYING, COW_COPIED } phase;
		} cow[NR_CPUS];
		uint32_t tlb_hit[NR_CPUS];
		uint32_t store_hit[MAX_WRITES];
	} feedback;
};

extern struct machine M;

/*
 * What the kernel does with atomics or READ_ONCE (refcounts, mapcounts,
 * lockless PTE reads) and what the hardware does (TLB, page walker, user
 * loads and stores, DMA) is not a data race. Functions doing only that are
 * hidden from ThreadSanitizer, so that in the TSan build it reports plain
 * model state touched without the lock that should order it.
 */
#if defined(__SANITIZE_THREAD__) || defined(MMFUZZ_TSAN)
#define MM_ATOMIC __attribute__((no_sanitize("thread"), noinline))
#else
#define MM_ATOMIC
#endif

/* Names of locks and threads, printed once per process lifetime (not per
 * execution: formatting them showed up as a fifth of the run time). */
enum model_name {
	NAME_PAGE_LOCK,	 /* "page_lock[pfn]" */
	NAME_MMAP_LOCK,	 /* "mmap_lock[P<id>]" */
	NAME_PTL,	 /* "ptl[P<id>]" */
	NAME_DEV_MUTEX,	 /* "dev_mutex[P<id>]" */
	NAME_PIPE_MUTEX, /* "pipe_mutex[P<id>]" */
	NAME_THREAD,	 /* "T<scenario thread>" */
	NAME_EXITER,	 /* "X<process>": the thread of a child with no program */
	NAME_VM_LOCK,	 /* "vm_lock[V<slab slot>]" */
	NR_MODEL_NAMES
};
const char *model_name(enum model_name kind, int id);

/* Reset every piece of model state: the start of an execution. */
void machine_reset(void);

/* The running thread's process and mm. */
struct process *current_proc(void);
struct mm_struct *current_mm(void);
int current_pid(void);

/*
 * A scheduling point in the model, then a trace line when tracing is on:
 * the kernel function and what it does. The arguments are evaluated after
 * the point, so the line shows the state the step acts on. Every access to
 * shared model state that can matter goes through one.
 *
 * The point says what its next step begins with (access.h): OBJ is the
 * address of the model state it touches (a PTE, a folio's counters, a page
 * word, a TLB entry, a VMA...) and MODE is SCHED_READ or SCHED_WRITE. What
 * else the step touches the accessors record (sched_access): pgtable.c,
 * folio.c, tlb.c, vma.c and the oracle's bookkeeping. OBJ and MODE are
 * evaluated before the point and must not touch shared state.
 */
#define mm_point(NAME, OBJ, MODE, ...)                                                             \
	do {                                                                                       \
		sched_point_on(SITE(NAME), (OBJ), (MODE));                                         \
		if (trace_enabled())                                                               \
			mm_trace(__VA_ARGS__);                                                     \
	} while (0)

/*
 * Objects of the model's state that have no accessor of their own. A VMA
 * is its slot (struct vm_area_struct *), the VMA list its count; the
 * oracle's bookkeeping of one page of a process (expectations, trackers)
 * is one object, and how often the page was zapped another (TLB fills and
 * GUP read it, only zaps change it).
 */
#define OBJ_VMA_LIST(mm)      ((const void *)&(mm)->nr_vmas)
#define OBJ_ORACLE(pid, page) ((const void *)&M.proc[(pid)].expect[(page)])
#define OBJ_ZAPS(pid, page)   ((const void *)&M.proc[(pid)].discards[(page)])
/* A folio's flags; its counters are the folio itself (folio.c). */
#define OBJ_FOLIO_FLAGS(folio) ((const void *)&(folio)->allocated)
/* A step that touches no shared state: the thread's own slot, which no
 * other thread ever accesses (announcing it is announcing nothing). */
static inline const void *obj_thread_local(void)
{
	int self = sched_self();

	return &M.thread_proc[self < 0 ? 0 : self];
}
#define OBJ_THREAD_LOCAL obj_thread_local()

/* A VMA's fields are touched: recorded, and a use-after-free if the VMA
 * went back to the slab (memory-safety, vma.c). */
_Noreturn void vma_use_after_free(const struct vm_area_struct *vma);
static inline __attribute__((always_inline)) void vma_access(const struct vm_area_struct *vma,
							     enum sched_access_mode mode)
{
	sched_access(vma, mode);
	if (!vma->allocated)
		vma_use_after_free(vma);
}

/* A trace line without a scheduling point (state already decided). */
void mm_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
