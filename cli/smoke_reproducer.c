/* SPDX-License-Identifier: MIT */
/*
 * Smoke's reproducers: a strategy's run turned into the schedule bytes of
 * an ordinary input, saved with its model, and replayed from the saved
 * file before anyone is told about it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "smoke.h"
#include "xalloc.h"

#include "fuzz/runner.h"
#include "scheduler/sanitizer.h"

/* The scheduler calls these from every simulated thread: like its own
 * strategies, they are not TSan's business (scheduler/sanitizer.h). */
SCHED_TSAN_IGNORE_BEGIN

static void recorder_begin(struct strategy *base)
{
	struct smoke_recorder *r = (struct smoke_recorder *)base;

	r->inner->begin(r->inner);
	schedule_writer_init(&r->writer, r->bytes, sizeof(r->bytes));
}

/*
 * Where the running thread blocked or exited, saved bytes have no say:
 * the replay takes the fallback's thread. The recorder takes it too
 * (after letting the inner strategy see the point), so that every run it
 * explores is one a saved file can replay; the inner strategy decides
 * again at the next point with a choice.
 */
static int recorder_pick(struct strategy *base, const struct sched_choice *c)
{
	struct smoke_recorder *r = (struct smoke_recorder *)base;
	int pick = r->inner->pick(r->inner, c);

	if (!c->current_enabled || c->n_enabled < 2)
		pick = strategy_default_pick(c);
	schedule_writer_note(&r->writer, c, pick);
	return pick;
}

static void recorder_end(struct strategy *base, const struct sched_result *res)
{
	struct smoke_recorder *r = (struct smoke_recorder *)base;

	if (r->inner->end)
		r->inner->end(r->inner, res);
}

SCHED_TSAN_IGNORE_END

void smoke_recorder_init(struct smoke_recorder *r, struct strategy *inner)
{
	r->base = (struct strategy){
		.name = inner->name,
		.begin = recorder_begin,
		.pick = recorder_pick,
		.end = recorder_end,
	};
	r->inner = inner;
	schedule_writer_init(&r->writer, r->bytes, sizeof(r->bytes));
}

/* mkdir -p */
static bool make_dirs(const char *path, char *why, size_t len)
{
	char *p = xstrdup(path);
	bool ok = true;

	for (char *s = strchr(p + 1, '/'); ok; s = strchr(s + 1, '/')) {
		if (s)
			*s = 0;
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			snprintf(why, len, "cannot create %s: %s", p, strerror(errno));
			ok = false;
		}
		if (!s)
			break;
		*s = '/';
	}
	free(p);
	return ok;
}

static bool write_text(const struct input *in, const char *header, const char *path, char *why,
		       size_t len)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f) {
		snprintf(why, len, "cannot write %s: %s", path, strerror(errno));
		return false;
	}
	fputs(header, f);
	input_print_text(in, f);
	ok = !ferror(f);
	ok = fclose(f) == 0 && ok;
	if (!ok)
		snprintf(why, len, "cannot write %s", path);
	return ok;
}

static bool same_outcome(const struct exec_result *a, const struct exec_result *b)
{
	if (a->violation != b->violation || a->sched.trace_hash != b->sched.trace_hash)
		return false;
	return !a->violation ||
	       (strcmp(a->oracle, b->oracle) == 0 && strcmp(a->kind, b->kind) == 0);
}

/* What `mmfuzz replay PATH` does: load it, select its own model, run its
 * own schedule. Then the caller's model is selected again. */
static bool replays_same(const char *path, const struct exec_result *want, const char *model,
			 char *why, size_t len)
{
	struct input *in = check_alloc(malloc(sizeof(*in)));
	uint8_t *storage = NULL;
	char err[512];
	struct exec_result got;
	bool ok = input_load_file(path, in, &storage, err, sizeof(err)) == INPUT_OK &&
		  runner_select_model(in->model, err, sizeof(err));

	if (ok) {
		runner_execute(in, NULL, false, NULL, &got);
		ok = same_outcome(want, &got);
		snprintf(err, sizeof(err), "it replays as %s %s",
			 got.violation ? got.oracle : "clean", got.violation ? got.kind : "");
	}
	if (!ok)
		snprintf(why, len, "%s does not reproduce the run: %s", path, err);
	free(storage);
	free(in);
	if (!runner_select_model(model, err, sizeof(err)))
		fprintf(stderr, "mmfuzz smoke: %s\n", err);
	return ok;
}

bool smoke_save_reproducer(const struct smoke_saved *s, const struct exec_result *want, char *why,
			   size_t len)
{
	struct input *copy = check_alloc(malloc(sizeof(*copy)));
	char *dir = xstrdup(s->path);
	char *slash = strrchr(dir, '/');
	bool ok;

	*copy = *s->in;
	memcpy(copy->owned, s->schedule, s->schedule_len);
	copy->schedule = copy->owned;
	copy->schedule_len = s->schedule_len;
	snprintf(copy->model, sizeof(copy->model), "%s", s->model);
	if (slash)
		*slash = 0;
	ok = (!slash || make_dirs(dir, why, len)) &&
	     write_text(copy, s->header, s->path, why, len) &&
	     replays_same(s->path, want, s->model, why, len);
	if (!ok)
		remove(s->path);
	free(dir);
	free(copy);
	return ok;
}
