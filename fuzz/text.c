/* SPDX-License-Identifier: MIT */
/*
 * The text scenario format, for reproducers people read and write:
 *
 *   # vmsplice() + unmap in child (CVE-2020-29374)
 *   thread 0
 *     write va=0 word=0
 *     fork
 *   thread 1 child-of 0
 *     vmsplice va=0
 *   schedule 3:1 0:0
 *
 * A thread is "initial" (a thread of the first process, the default) or
 * "child-of N" (runs in the child of thread N's next fork). An op is its
 * name and key=value fields: va, word, and per op rw (pin), slot (unpin,
 * dma-*), event (signal, wait). The schedule is a list of gap:target
 * pairs (see strategy_bytes), the last of which may be a lone gap; without
 * one, every thread runs until it blocks or ends, then the next in order.
 *
 * A reproducer names the model it needs before its threads:
 *
 *   profile v5.9
 *   set wp.reuse=mapcount
 *
 * (`set` lines alone mean on top of latest).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "target/model.h"
#include "target/policy.h"

struct parser {
	struct input *in;
	int line;
	int thread; /* current thread, -1 before the first */
	char *err;
	size_t errlen;
	char profile[64];	    /* from a `profile` line */
	char sets[INPUT_MODEL_MAX]; /* "+S=V" for each `set` line */
	struct mm_policy scratch;   /* checks each `set` as it is read */
};

static enum input_error corrupt(struct parser *p, const char *what, const char *token)
{
	snprintf(p->err, p->errlen, "corrupt: line %d: %s '%s'", p->line, what, token);
	return INPUT_CORRUPT;
}

static bool parse_uint(const char *s, long max, long *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return false;
	v = strtol(s, &end, 10);
	if (*end || v < 0 || v > max)
		return false;
	*out = v;
	return true;
}

static enum input_error parse_field(struct parser *p, struct op *op, char *tok)
{
	enum op_kind kind = (enum op_kind)op->kind;
	char *eq = strchr(tok, '=');
	const char *key = op_arg_name(kind);
	long v;

	if (!eq)
		return corrupt(p, "expected key=value, got", tok);
	*eq = 0;
	if (strcmp(tok, "va") == 0 && op_uses_va(kind)) {
		if (!parse_uint(eq + 1, MM_NR_PAGES - 1, &v))
			return corrupt(p, "va out of range", eq + 1);
		op->va = (uint8_t)v;
	} else if (strcmp(tok, "word") == 0 && op_uses_word(kind)) {
		if (!parse_uint(eq + 1, PAGE_WORDS - 1, &v))
			return corrupt(p, "word out of range", eq + 1);
		op->word = (uint8_t)v;
	} else if (key && strcmp(tok, key) == 0) {
		if (!parse_uint(eq + 1, op_arg_limit(kind) - 1, &v))
			return corrupt(p, "value out of range", eq + 1);
		op->arg = (uint8_t)v;
	} else {
		return corrupt(p, "field not used by this op:", tok);
	}
	return INPUT_OK;
}

static enum input_error parse_op(struct parser *p, char *name, char **save)
{
	struct scenario_thread *th;
	struct op op = {0};
	char *tok;

	if (p->thread < 0)
		return corrupt(p, "op before any 'thread' line:", name);
	th = &p->in->scenario.thread[p->thread];
	op.kind = (uint8_t)op_from_name(name);
	if (op.kind == OP_NR)
		return corrupt(p, "unknown op", name);
	if (th->n_ops >= SCN_MAX_OPS)
		return corrupt(p, "too many ops in thread (max 16) at", name);
	while ((tok = strtok_r(NULL, " \t\r", save))) {
		enum input_error e = parse_field(p, &op, tok);

		if (e != INPUT_OK)
			return e;
	}
	th->ops[th->n_ops++] = op;
	return INPUT_OK;
}

static enum input_error parse_thread(struct parser *p, char **save)
{
	char *tok = strtok_r(NULL, " \t\r", save);
	struct scenario *sc = &p->in->scenario;
	long t, parent;

	if (!tok || !parse_uint(tok, SCN_MAX_THREADS - 1, &t))
		return corrupt(p, "thread number must be 0..3, got", tok ? tok : "");
	if (t != sc->n_threads)
		return corrupt(p, "threads must be numbered in order, got", tok);
	sc->n_threads++;
	p->thread = (int)t;
	tok = strtok_r(NULL, " \t\r", save);
	if (!tok || strcmp(tok, "initial") == 0)
		return INPUT_OK;
	if (strcmp(tok, "child-of") != 0)
		return corrupt(p, "expected 'initial' or 'child-of N', got", tok);
	tok = strtok_r(NULL, " \t\r", save);
	if (!tok || !parse_uint(tok, t - 1, &parent))
		return corrupt(p, "child-of needs an earlier thread, got", tok ? tok : "");
	sc->thread[t].spawn = SPAWN_CHILD_OF(parent);
	return INPUT_OK;
}

static enum input_error parse_schedule(struct parser *p, char **save)
{
	struct input *in = p->in;
	char *tok;

	while ((tok = strtok_r(NULL, " \t\r", save))) {
		char *colon = strchr(tok, ':');
		long gap, target;

		if (in->schedule_len + (colon ? 2 : 1) > INPUT_MAX_SCHEDULE)
			return corrupt(p, "schedule too long at", tok);
		if (!colon) {
			/* A lone gap: keep running, no further switch. */
			if (!parse_uint(tok, 255, &gap) || strtok_r(NULL, " \t\r", save))
				return corrupt(
					p, "only the last schedule entry may lack a target:", tok);
			in->owned[in->schedule_len++] = (uint8_t)gap;
			break;
		}
		*colon = 0;
		if (!parse_uint(tok, 255, &gap) || !parse_uint(colon + 1, 255, &target))
			return corrupt(p, "schedule values are 0..255, got", tok);
		in->owned[in->schedule_len++] = (uint8_t)gap;
		in->owned[in->schedule_len++] = (uint8_t)target;
	}
	return INPUT_OK;
}

/* `profile NAME` and `set SWITCH=VALUE`: the model, before any thread. */
static enum input_error parse_model(struct parser *p, const char *keyword, char **save)
{
	char *tok = strtok_r(NULL, " \t\r", save);
	char why[256];
	size_t n = strlen(p->sets);

	if (p->thread >= 0)
		return corrupt(p, "the model comes before the threads:", keyword);
	if (!tok || strtok_r(NULL, " \t\r", save))
		return corrupt(p, "expected one value after", keyword);
	if (strcmp(keyword, "profile") == 0) {
		if (p->profile[0])
			return corrupt(p, "a second profile line:", tok);
		if (!profile_find(tok) || strlen(tok) >= sizeof(p->profile))
			return corrupt(p, "unknown profile", tok);
		snprintf(p->profile, sizeof(p->profile), "%s", tok);
		return INPUT_OK;
	}
	if (!policy_set(&p->scratch, tok, why, (int)sizeof(why)))
		return corrupt(p, why, tok);
	if (n + 1 + strlen(tok) + sizeof(p->profile) >= sizeof(p->sets))
		return corrupt(p, "too many set lines at", tok);
	snprintf(p->sets + n, sizeof(p->sets) - n, "+%s", tok);
	return INPUT_OK;
}

static enum input_error parse_line(struct parser *p, char *line)
{
	char *save = NULL;
	char *hash = strchr(line, '#');
	char *tok;

	if (hash)
		*hash = 0;
	tok = strtok_r(line, " \t\r", &save);
	if (!tok)
		return INPUT_OK;
	if (strcmp(tok, "thread") == 0)
		return parse_thread(p, &save);
	if (strcmp(tok, "schedule") == 0)
		return parse_schedule(p, &save);
	if (strcmp(tok, "profile") == 0 || strcmp(tok, "set") == 0)
		return parse_model(p, tok, &save);
	return parse_op(p, tok, &save);
}

enum input_error input_parse_text(const char *text, struct input *in, char *err, size_t errlen)
{
	struct parser p = {.in = in, .thread = -1, .err = err, .errlen = errlen};

	p.scratch = profile_default()->policy;
	char *copy = strdup(text);
	char *line, *save = NULL;
	enum input_error e = INPUT_OK;

	memset(in, 0, sizeof(*in));
	in->schedule = in->owned;
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return INPUT_CORRUPT;
	}
	for (line = strtok_r(copy, "\n", &save); line && e == INPUT_OK;
	     line = strtok_r(NULL, "\n", &save)) {
		p.line++;
		e = parse_line(&p, line);
	}
	free(copy);
	if (e == INPUT_OK && in->scenario.n_threads == 0) {
		snprintf(err, errlen, "corrupt: no 'thread' line");
		e = INPUT_CORRUPT;
	}
	if (e == INPUT_OK)
		scenario_normalize(&in->scenario);
	if (e == INPUT_OK && (p.profile[0] || p.sets[0]))
		snprintf(in->model, sizeof(in->model), "%s%s", p.profile[0] ? p.profile : "latest",
			 p.sets);
	return e;
}

static void print_op(const struct op *op, FILE *out)
{
	char text[64];

	op_describe(op, text, sizeof(text));
	fprintf(out, "  %s\n", text);
}

/* "v5.9+wp.reuse=mapcount" -> a profile line and a set line. */
static void print_model(const char *model, FILE *out)
{
	const char *plus;

	if (!model[0])
		return;
	plus = strchr(model, '+');
	fprintf(out, "profile %.*s\n", plus ? (int)(plus - model) : (int)strlen(model), model);
	while (plus) {
		const char *next = strchr(plus + 1, '+');

		fprintf(out, "set %.*s\n", next ? (int)(next - plus - 1) : (int)strlen(plus + 1),
			plus + 1);
		plus = next;
	}
}

void input_print_text(const struct input *in, FILE *out)
{
	const struct scenario *sc = &in->scenario;

	print_model(in->model, out);
	for (int t = 0; t < sc->n_threads; t++) {
		const struct scenario_thread *th = &sc->thread[t];

		if (th->spawn == SPAWN_INITIAL)
			fprintf(out, "thread %d\n", t);
		else
			fprintf(out, "thread %d child-of %d\n", t, th->spawn - 1);
		for (int i = 0; i < th->n_ops; i++)
			print_op(&th->ops[i], out);
	}
	if (in->schedule_len) {
		fprintf(out, "schedule");
		for (size_t i = 0; i + 1 < in->schedule_len; i += 2)
			fprintf(out, " %u:%u", in->schedule[i], in->schedule[i + 1]);
		if (in->schedule_len % 2)
			fprintf(out, " %u", in->schedule[in->schedule_len - 1]);
		fputc('\n', out);
	}
}
