/* SPDX-License-Identifier: MIT */
/*
 * Scheduling-point sites.
 *
 * Every scheduling point names a static site: a string such as
 * "do_wp_page:reuse". The id is a hash of the string's bytes (never of a
 * pointer), so it is the same in every build and every process: traces,
 * coverage features and replay verification all key on it.
 */
#ifndef MMFUZZ_SCHEDULER_SITE_H
#define MMFUZZ_SCHEDULER_SITE_H

#include <stdint.h>

struct sched_site {
	const char *name;
	uint32_t id; /* 0 until first use, then fnv1a(name) | 1 */
};

/* A site's id; the first use hashes the name and registers it. Inline:
 * every scheduling decision asks. */
uint32_t sched_site_register(struct sched_site *site);
static inline uint32_t sched_site_id(struct sched_site *site)
{
	return site->id ? site->id : sched_site_register(site);
}
/* Name of a site whose id has been computed in this process, or NULL. */
const char *sched_site_name(uint32_t id);

/* A pointer to a function-local static site for the string literal NAME. */
#define SITE(NAME)                                                                                 \
	__extension__({                                                                            \
		static struct sched_site site_ = {(NAME), 0};                                      \
		&site_;                                                                            \
	})

#endif
