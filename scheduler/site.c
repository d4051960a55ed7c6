// SPDX-License-Identifier: MIT
/*
 * Site ids, and a small registry from id back to name so that replay drift
 * reports can name the site the record expected.
 */
#include "site.h"

#include <stddef.h>

#include "sanitizer.h"

SCHED_TSAN_IGNORE_BEGIN

#define SITE_REGISTRY_SIZE 4096 /* power of two; more sites than any model has */

static struct {
	uint32_t id;
	const char *name;
} registry[SITE_REGISTRY_SIZE];

static uint32_t fnv1a32(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h;
}

/* Open addressing; a full table just stops registering (names are only
 * used for messages). */
static void site_register(uint32_t id, const char *name)
{
	for (uint32_t i = 0; i < SITE_REGISTRY_SIZE; i++) {
		uint32_t slot = (id + i) & (SITE_REGISTRY_SIZE - 1);

		if (registry[slot].id == id)
			return;
		if (registry[slot].id == 0) {
			registry[slot].id = id;
			registry[slot].name = name;
			return;
		}
	}
}

uint32_t sched_site_register(struct sched_site *site)
{
	site->id = fnv1a32(site->name) | 1;
	site_register(site->id, site->name);
	return site->id;
}

const char *sched_site_name(uint32_t id)
{
	for (uint32_t i = 0; id && i < SITE_REGISTRY_SIZE; i++) {
		uint32_t slot = (id + i) & (SITE_REGISTRY_SIZE - 1);

		if (registry[slot].id == id)
			return registry[slot].name;
		if (registry[slot].id == 0)
			return NULL;
	}
	return NULL;
}

SCHED_TSAN_IGNORE_END
