/* SPDX-License-Identifier: MIT */
/* What each oracle means, for the end of a replay. */
#include <string.h>

#include "oracle_docs.h"

struct oracle_doc {
	const char *id;
	const char *text;
};

static const struct oracle_doc docs[] = {
	{"fork-isolation",
	 "O2 fork isolation: after fork(), a write by one process to private anonymous memory\n"
	 "must never be seen by the other, through its page tables or through a GUP reference\n"
	 "it holds (a vmsplice()d pipe buffer, a pin). cow.c reports it as \"Leak from parent\n"
	 "into child\". Look for the step where a page still referenced by one side was reused\n"
	 "in place (wp_page_reuse) by the other: the COW reuse rule saw one mapping and missed\n"
	 "the GUP reference (CVE-2020-29374, \"COW can break either way\")."},
	{"pin-coherency",
	 "O3 pin coherency: a page pinned with FOLL_PIN stays the page mapped at that address\n"
	 "until the user unmaps it; the device must see the user's writes and the user the\n"
	 "device's. Look for the step where wp_page_copy replaced the pinned page in the page\n"
	 "table (a write fault on a page write-protected by fork, with the pin making\n"
	 "page_count != 1), or where the pin was taken on a page still shared after fork."},
	{"lost-write",
	 "O4 no lost writes: a completed store must be in the page finally mapped at that\n"
	 "address, unless the user discarded it. Look for a store that went to a page the\n"
	 "page table no longer maps (a stale TLB entry, a copy taken before the store)."},
	{"lock-discipline",
	 "O8 lock discipline: locks balanced, never released by a thread that does not hold\n"
	 "them, no sleeping under a spinlock, no lock held at thread exit, no deadlock (the\n"
	 "wait-for cycle is in the report) and no livelock (step budget)."},
	{"memory-safety",
	 "O9 memory safety of the model's metadata: no refcount or mapcount underflow, no\n"
	 "access to a freed frame, nothing left allocated after every process exited."},
	{"replay-drift",
	 "The recorded execution could not be followed: the model took a different path at\n"
	 "the step named above. The input was recorded by a different build or profile."},
};

void explain_oracle(const char *oracle, FILE *out)
{
	if (!oracle)
		return;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		if (strcmp(docs[i].id, oracle) == 0)
			fprintf(out, "== what %s means\n%s\n", oracle, docs[i].text);
}
