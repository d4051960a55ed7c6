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
 * name and key=value fields: va, word, and per op rw (pin, mprotect), mode
 * (mmap-file), wp (uffd-wp), slot (unpin, dma-*), event (signal, wait).
 * Every field an op uses is required, once, and no other is allowed: none
 * has a default that is right more often than wrong (va and word pick the
 * page and the word, the others choose what the op does), and a field left
 * out or written twice is far more often a slip than a wish. The schedule
 * is a list of gap:target pairs (see strategy_bytes), the last of which
 * may be a lone gap; without one, every thread runs until it blocks or
 * ends, then the next in order.
 *
 * A reproducer names the model it needs before its threads:
 *
 *   profile v5.9
 *   set wp.reuse=mapcount
 *
 * (`set` lines alone mean on top of latest; each switch once).
 *
 * Lexically: lines end in LF (a CR before it is white space); `#` and `//`
 * start a comment to the end of the line; a UTF-8 byte order mark may
 * precede the first line; words are separated by spaces and tabs; keywords
 * and op names are lower case. Errors read "LINE:COLUMN: what", counting
 * every line (blank and comment lines too) and columns in bytes from 1.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input.h"
#include "target/model.h"
#include "target/policy.h"

static const char utf8_bom[] = "\xEF\xBB\xBF";

struct parser {
	struct input *in;
	int line;
	const char *line_start; /* columns count from here */
	char *cursor;		/* the rest of the line */
	int col;		/* of the word next_word returned last */
	int thread;		/* current thread, -1 before the first */
	bool schedule_ended;	/* a lone gap was the last entry */
	char *err;
	size_t errlen;
	char profile[64];	    /* from a `profile` line */
	char sets[INPUT_MODEL_MAX]; /* "+S=V" for each `set` line */
	struct mm_policy scratch;   /* checks each `set` as it is read */
};

static enum input_error fail_at(struct parser *p, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum input_error fail_at(struct parser *p, int col, const char *fmt, ...)
{
	int n = snprintf(p->err, p->errlen, "%d:%d: ", p->line, col);
	va_list ap;

	if (n < 0 || (size_t)n >= p->errlen)
		return INPUT_CORRUPT;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return INPUT_CORRUPT;
}

/* The next word of the line, NUL-terminated in place, or NULL at its end
 * (then col is just past the last word, where the missing one belongs). */
static char *next_word(struct parser *p)
{
	char *s = p->cursor, *word;

	s += strspn(s, " \t\r");
	p->col = (int)(s - p->line_start) + 1;
	if (!*s) {
		p->cursor = s;
		return NULL;
	}
	word = s;
	s += strcspn(s, " \t\r");
	if (*s)
		*s++ = 0;
	p->cursor = s;
	return word;
}

/* The line is over: anything left is a mistake, not a comment. */
static enum input_error expect_end(struct parser *p, const char *after)
{
	const char *extra = next_word(p);

	if (extra)
		return fail_at(p, p->col, "unexpected '%s' after %s", extra, after);
	return INPUT_OK;
}

static void cut_comment(char *line)
{
	for (char *c = line; *c; c++) {
		if (*c == '#' || (c[0] == '/' && c[1] == '/')) {
			*c = 0;
			return;
		}
	}
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

/* The fields of an op, in the order the printer writes them. */
struct op_fields {
	int n;
	const char *name[3];
	uint8_t *value[3];
	long max[3];
};

static void op_fields(struct op *op, struct op_fields *f)
{
	enum op_kind kind = (enum op_kind)op->kind;

	f->n = 0;
	if (op_uses_va(kind)) {
		f->name[f->n] = "va";
		f->value[f->n] = &op->va;
		f->max[f->n++] = MM_NR_PAGES - 1;
	}
	if (op_uses_arg(kind)) {
		f->name[f->n] = op_arg_name(kind);
		f->value[f->n] = &op->arg;
		f->max[f->n++] = op_arg_limit(kind) - 1;
	}
	if (op_uses_word(kind)) {
		f->name[f->n] = "word";
		f->value[f->n] = &op->word;
		f->max[f->n++] = PAGE_WORDS - 1;
	}
}

/* "(fields of write: va, word)" or "(fork takes no fields)". */
static const char *fields_hint(const struct op *op, const struct op_fields *f, char *buf,
			       size_t len)
{
	const char *name = op_name((enum op_kind)op->kind);
	int n;

	if (!f->n) {
		snprintf(buf, len, "(%s takes no fields)", name);
		return buf;
	}
	n = snprintf(buf, len, "(fields of %s:", name);
	for (int i = 0; i < f->n && n > 0 && (size_t)n < len; i++)
		n += snprintf(buf + n, len - (size_t)n, "%s %s", i ? "," : "", f->name[i]);
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ")");
	return buf;
}

static int field_index(const struct op_fields *f, const char *key)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->name[i], key) == 0)
			return i;
	return -1;
}

/* One key=value word; seen[i] keeps the column field i was given at. */
static enum input_error parse_field(struct parser *p, struct op *op, const struct op_fields *f,
				    int seen[3], char *word)
{
	char *eq = strchr(word, '=');
	int col = p->col, i;
	char hint[96];
	long v;

	if (!eq)
		return fail_at(p, col, "expected FIELD=VALUE, got '%s' %s", word,
			       fields_hint(op, f, hint, sizeof(hint)));
	*eq = 0;
	i = field_index(f, word);
	if (i < 0)
		return fail_at(p, col, "unknown field '%s' %s", word,
			       fields_hint(op, f, hint, sizeof(hint)));
	if (seen[i])
		return fail_at(p, col, "duplicate field '%s' (first at column %d)", word, seen[i]);
	seen[i] = col;
	if (!parse_uint(eq + 1, f->max[i], &v))
		return fail_at(p, col + (int)(eq + 1 - word), "%s must be 0..%ld, got '%s'", word,
			       f->max[i], eq + 1);
	*f->value[i] = (uint8_t)v;
	return INPUT_OK;
}

static enum input_error parse_fields(struct parser *p, struct op *op, int op_col)
{
	struct op_fields f;
	int seen[3] = {0};
	char hint[96], *word;

	op_fields(op, &f);
	while ((word = next_word(p))) {
		enum input_error e = parse_field(p, op, &f, seen, word);

		if (e != INPUT_OK)
			return e;
	}
	for (int i = 0; i < f.n; i++)
		if (!seen[i])
			return fail_at(p, op_col, "missing field '%s' %s", f.name[i],
				       fields_hint(op, &f, hint, sizeof(hint)));
	return INPUT_OK;
}

static const char *const keywords[] = {"thread", "schedule", "profile", "set"};

/* The right spelling of a word written in the wrong case, or NULL. */
static const char *case_hint(const char *word)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcasecmp(word, keywords[i]) == 0)
			return keywords[i];
	for (int k = 0; k < OP_NR; k++)
		if (strcasecmp(word, op_name((enum op_kind)k)) == 0)
			return op_name((enum op_kind)k);
	return NULL;
}

static enum input_error unknown_word(struct parser *p, const char *word)
{
	const char *right = case_hint(word);

	if (right)
		return fail_at(p, p->col, "unknown %s '%s' (did you mean '%s'?)",
			       p->thread < 0 ? "keyword" : "op", word, right);
	if (p->thread < 0)
		return fail_at(p, p->col,
			       "unknown keyword '%s' (a scenario starts with profile, set or "
			       "thread lines)",
			       word);
	return fail_at(p, p->col, "unknown op '%s'", word);
}

static enum input_error parse_op(struct parser *p, const char *name)
{
	struct scenario_thread *th;
	struct op op = {0};
	int col = p->col;
	enum input_error e;

	op.kind = (uint8_t)op_from_name(name);
	if (op.kind == OP_NR)
		return unknown_word(p, name);
	if (p->thread < 0)
		return fail_at(p, col, "op '%s' before any 'thread' line", name);
	th = &p->in->scenario.thread[p->thread];
	if (th->n_ops >= SCN_MAX_OPS)
		return fail_at(p, col, "too many ops in thread %d (max %d) at '%s'", p->thread,
			       SCN_MAX_OPS, name);
	e = parse_fields(p, &op, col);
	if (e == INPUT_OK)
		th->ops[th->n_ops++] = op;
	return e;
}

/* `thread N [initial | child-of M]` */
static enum input_error parse_thread(struct parser *p)
{
	char *word = next_word(p);
	struct scenario *sc = &p->in->scenario;
	long t, parent;

	if (!word || !parse_uint(word, SCN_MAX_THREADS - 1, &t))
		return fail_at(p, p->col, "thread number must be 0..%d, got '%s'",
			       SCN_MAX_THREADS - 1, word ? word : "");
	if (t != sc->n_threads)
		return fail_at(p, p->col, "threads must be numbered in order: expected %d, got %s",
			       sc->n_threads, word);
	sc->n_threads++;
	p->thread = (int)t;
	word = next_word(p);
	if (!word)
		return INPUT_OK;
	if (strcmp(word, "initial") == 0)
		return expect_end(p, "'initial'");
	if (strcmp(word, "child-of") != 0)
		return fail_at(p, p->col, "expected 'initial' or 'child-of N', got '%s'", word);
	word = next_word(p);
	if (!word || !parse_uint(word, t - 1, &parent))
		return fail_at(p, p->col, "child-of needs an earlier thread, got '%s'",
			       word ? word : "");
	sc->thread[t].spawn = SPAWN_CHILD_OF(parent);
	return expect_end(p, "the parent thread");
}

static enum input_error parse_schedule_entry(struct parser *p, char *word)
{
	struct input *in = p->in;
	char *colon = strchr(word, ':');
	long gap, target;

	if (p->schedule_ended)
		return fail_at(p, p->col, "only the last schedule entry may lack a target");
	if (in->schedule_len + (colon ? 2 : 1) > INPUT_MAX_SCHEDULE)
		return fail_at(p, p->col, "schedule too long (max %d bytes) at '%s'",
			       INPUT_MAX_SCHEDULE, word);
	if (colon)
		*colon = 0;
	if (!parse_uint(word, 255, &gap) || (colon && !parse_uint(colon + 1, 255, &target))) {
		if (colon)
			*colon = ':';
		return fail_at(p, p->col,
			       "schedule entries are GAP:TARGET or a last GAP, "
			       "each 0..255, got '%s'",
			       word);
	}
	in->owned[in->schedule_len++] = (uint8_t)gap;
	if (colon)
		in->owned[in->schedule_len++] = (uint8_t)target;
	else
		p->schedule_ended = true; /* keep running, no further switch */
	return INPUT_OK;
}

/* `schedule GAP:TARGET... [GAP]`, over one line or several. */
static enum input_error parse_schedule(struct parser *p)
{
	char *word;

	while ((word = next_word(p))) {
		enum input_error e = parse_schedule_entry(p, word);

		if (e != INPUT_OK)
			return e;
	}
	return INPUT_OK;
}

static enum input_error parse_profile(struct parser *p, const char *name)
{
	if (p->profile[0])
		return fail_at(p, p->col, "a second profile line: '%s'", name);
	if (!profile_find(name) || strlen(name) >= sizeof(p->profile))
		return fail_at(p, p->col, "unknown profile '%s'", name);
	snprintf(p->profile, sizeof(p->profile), "%s", name);
	return INPUT_OK;
}

static enum input_error parse_set(struct parser *p, const char *assignment)
{
	size_t n = strlen(p->sets), name_len = strcspn(assignment, "=");
	char why[256], key[INPUT_MODEL_MAX];

	if (!policy_set(&p->scratch, assignment, why, (int)sizeof(why)))
		return fail_at(p, p->col, "%s", why);
	/* "+NAME=" is in sets if the switch was set before. */
	snprintf(key, sizeof(key), "+%.*s=", (int)name_len, assignment);
	if (strstr(p->sets, key))
		return fail_at(p, p->col, "switch '%.*s' set twice", (int)name_len, assignment);
	if (n + 1 + strlen(assignment) + sizeof(p->profile) >= sizeof(p->sets))
		return fail_at(p, p->col, "too many set lines at '%s'", assignment);
	snprintf(p->sets + n, sizeof(p->sets) - n, "+%s", assignment);
	return INPUT_OK;
}

/* `profile NAME` and `set SWITCH=VALUE`: the model, before any thread. */
static enum input_error parse_model(struct parser *p, const char *keyword)
{
	int keyword_col = p->col;
	char *value = next_word(p);
	enum input_error e;

	if (p->thread >= 0)
		return fail_at(p, keyword_col, "the model comes before the threads: '%s'", keyword);
	if (!value)
		return fail_at(p, p->col, "expected one value after '%s'", keyword);
	if (strcmp(keyword, "profile") == 0)
		e = parse_profile(p, value);
	else
		e = parse_set(p, value);
	return e == INPUT_OK ? expect_end(p, keyword) : e;
}

static enum input_error parse_line(struct parser *p, char *line)
{
	char *word;

	cut_comment(line);
	p->line_start = line;
	p->cursor = line;
	word = next_word(p);
	if (!word)
		return INPUT_OK;
	if (strcmp(word, "thread") == 0)
		return parse_thread(p);
	if (strcmp(word, "schedule") == 0)
		return parse_schedule(p);
	if (strcmp(word, "profile") == 0 || strcmp(word, "set") == 0)
		return parse_model(p, word);
	return parse_op(p, word);
}

/* Every line, blank ones too, so that errors name the line an editor shows. */
static enum input_error parse_lines(struct parser *p, char *text)
{
	char *line = text;
	enum input_error e = INPUT_OK;

	while (line && e == INPUT_OK) {
		char *newline = strchr(line, '\n');

		if (newline)
			*newline = 0;
		p->line++;
		e = parse_line(p, line);
		line = newline ? newline + 1 : NULL;
	}
	return e;
}

static void set_model(const struct parser *p, struct input *in)
{
	if (p->profile[0] || p->sets[0])
		snprintf(in->model, sizeof(in->model), "%s%s",
			 p->profile[0] ? p->profile : "latest", p->sets);
}

enum input_error input_parse_text(const char *text, struct input *in, char *err, size_t errlen)
{
	struct parser p = {.in = in, .thread = -1, .err = err, .errlen = errlen};
	enum input_error e;
	char *copy;

	if (strncmp(text, utf8_bom, strlen(utf8_bom)) == 0)
		text += strlen(utf8_bom);
	p.scratch = profile_default()->policy;
	memset(in, 0, sizeof(*in));
	in->schedule = in->owned;
	copy = strdup(text);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return INPUT_CORRUPT;
	}
	e = parse_lines(&p, copy);
	free(copy);
	if (e != INPUT_OK)
		return e;
	if (in->scenario.n_threads == 0) {
		snprintf(err, errlen, "no 'thread' line: a scenario has at least one thread");
		return INPUT_CORRUPT;
	}
	scenario_normalize(&in->scenario);
	set_model(&p, in);
	return INPUT_OK;
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
