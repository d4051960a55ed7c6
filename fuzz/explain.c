/* SPDX-License-Identifier: MIT */
/* mmfuzz explain: the orderings a violation depends on (see explain.h). */
#include "explain.h"

#include <stdlib.h>
#include <string.h>

#include "oracle_docs.h"
#include "recording.h"
#include "runner.h"
#include "scheduler/site.h"
#include "scheduler/strategy.h"

#define MAX_FOUND  12
#define MAX_VALUES 4 /* write numbers followed in the value flow */

/* ---- following an order of threads ------------------------------------- */

/*
 * A strategy that gives the points to threads in a given order: at each
 * point, the first thread of the order not yet served that can run. A
 * thread the order names but that is blocked is passed over until it can
 * run; when the order is spent, the running thread keeps the CPU.
 */
struct strategy_follow {
	struct strategy base;
	const uint8_t *order;
	int n, next;
	bool taken[RECORDING_MAX_POINTS];
};

static void follow_begin(struct strategy *s)
{
	struct strategy_follow *f = (struct strategy_follow *)s;

	memset(f->taken, 0, sizeof(f->taken));
	f->next = 0;
}

static int follow_pick(struct strategy *s, const struct sched_choice *c)
{
	struct strategy_follow *f = (struct strategy_follow *)s;

	for (int i = f->next; i < f->n; i++) {
		if (f->taken[i] || strategy_enabled_index(c, f->order[i]) < 0)
			continue;
		f->taken[i] = true;
		while (f->next < f->n && f->taken[f->next])
			f->next++;
		return f->order[i];
	}
	return strategy_default_pick(c);
}

static void follow_init(struct strategy_follow *f, const uint8_t *order, int n)
{
	f->base = (struct strategy){.name = "explain", .begin = follow_begin, .pick = follow_pick};
	f->order = order;
	f->n = n;
}

static void run_order(const struct input *in, const uint8_t *order, int n, struct exec_result *r)
{
	static struct strategy_follow f; /* large; one run at a time */

	follow_init(&f, order, n);
	runner_execute(in, &f.base, false, NULL, r);
}

/* ---- reversing one ordering ------------------------------------------- */

/* A's thread (order[a]) runs its points from a up to b after b. */
static void push_after(const uint8_t *w, int n, int a, int b, uint8_t *out)
{
	uint8_t x = w[a];
	int k = a;

	memcpy(out, w, (size_t)a);
	for (int i = a; i <= b; i++)
		if (w[i] != x)
			out[k++] = w[i];
	for (int i = a; i < b; i++)
		if (w[i] == x)
			out[k++] = x;
	memcpy(out + k, w + b + 1, (size_t)(n - b - 1));
}

/* B's thread (order[b]) runs its points after a up to b before a. */
static void hoist_before(const uint8_t *w, int n, int a, int b, uint8_t *out)
{
	uint8_t y = w[b];
	int k = a;

	memcpy(out, w, (size_t)a);
	for (int i = a + 1; i <= b; i++)
		if (w[i] == y)
			out[k++] = y;
	for (int i = a; i < b; i++)
		if (w[i] != y)
			out[k++] = w[i];
	memcpy(out + k, w + b + 1, (size_t)(n - b - 1));
}

static void reverse_order(const uint8_t *w, int n, int a, int b, bool hoist, uint8_t *out)
{
	if (hoist)
		hoist_before(w, n, a, b, out);
	else
		push_after(w, n, a, b, out);
}

/* ---- the program without its waits ------------------------------------ */

static bool is_wait_op(uint8_t kind)
{
	return kind == OP_WAIT || kind == OP_SIGNAL;
}

static bool drop_waits(const struct input *in, struct input *out)
{
	bool dropped = false;

	*out = *in;
	out->schedule = NULL;
	out->schedule_len = 0;
	for (int t = 0; t < in->scenario.n_threads; t++) {
		const struct scenario_thread *from = &in->scenario.thread[t];
		struct scenario_thread *to = &out->scenario.thread[t];

		to->n_ops = 0;
		for (int i = 0; i < from->n_ops; i++) {
			if (is_wait_op(from->ops[i].kind))
				dropped = true;
			else
				to->ops[to->n_ops++] = from->ops[i];
		}
	}
	return dropped;
}

static bool site_is(uint32_t id, const char *name)
{
	const char *s = sched_site_name(id);

	return s && strcmp(s, name) == 0;
}

/* The recorded order without the points a thread took to block in a wait:
 * in the program without waits those points do not exist. orig[] maps
 * each kept point to the recorded one. */
static int order_without_waits(const struct recording *rec, uint8_t *out, int *orig)
{
	int k = 0;

	for (int p = 0; p < rec->n; p++) {
		int end = p + 1;

		while (end < rec->n && rec->current[end] != rec->chosen[p])
			end++;
		if (end < rec->n && site_is(rec->site[end], "user wait"))
			continue;
		out[k] = rec->chosen[p];
		orig[k++] = p;
	}
	return k;
}

/* ---- the search -------------------------------------------------------- */

struct found {
	int a, b;   /* positions: a's step happens before b's */
	int line_a; /* the trace line that names A, -1: the slice's own */
	bool hoist;
	char verdict[96];
};

struct search {
	const struct input *in; /* the program searched */
	const char *oracle, *kind;
	const uint8_t *order;
	int n;
	uint8_t tmp[RECORDING_MAX_POINTS];
	struct exec_result r;
	unsigned runs;
	struct found found[MAX_FOUND];
	int n_found;
};

static void describe_verdict(const struct exec_result *r, char *buf, size_t len)
{
	if (!r->violation)
		snprintf(buf, len, "clean");
	else
		snprintf(buf, len, "another verdict, %s %s", r->oracle, r->kind[0] ? r->kind : "-");
}

/* Does the violation go away when the threads follow `order`? The run is
 * clean, or another oracle judges it. The same oracle somewhere else
 * (a lost write found at exit rather than by a read) is the same bug; a
 * run that ends without a verdict of its own (deadlock, livelock) says
 * nothing. */
static bool goes_away(struct search *s, const uint8_t *order)
{
	const struct exec_result *r = &s->r;

	run_order(s->in, order, s->n, &s->r);
	s->runs++;
	if (!r->violation)
		return true;
	return strcmp(r->oracle, s->oracle) != 0 &&
	       (r->sched.verdict == SCHED_PASS || r->sched.verdict == SCHED_VIOLATION);
}

static bool reversal_goes_away(struct search *s, int a, int b, bool hoist)
{
	reverse_order(s->order, s->n, a, b, hoist, s->tmp);
	return goes_away(s, s->tmp);
}

static struct found *add_found(struct search *s, int a, int b, bool hoist)
{
	struct found *f;

	for (int i = 0; i < s->n_found; i++)
		if (s->found[i].a == a && s->found[i].b == b)
			return NULL;
	if (s->n_found == MAX_FOUND)
		return NULL;
	f = &s->found[s->n_found++];
	f->a = a;
	f->b = b;
	f->line_a = -1;
	f->hoist = hoist;
	describe_verdict(&s->r, f->verdict, sizeof(f->verdict));
	return f;
}

/* How far a switch is moved: a few points, then by doubling, and the
 * whole segment last; between the last distance that kept the violation
 * and the first that removed it, point by point. */
static const int move_by[] = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64};
#define N_MOVES ((int)(sizeof(move_by) / sizeof(move_by[0])))

/* Moving the switch at p by d points (1..whole): does the violation go
 * away? `arg` is the direction's own bound. */
typedef bool move_fn(struct search *s, int p, int d, int arg);

/* The smallest distance that removes the violation, or 0. */
static int first_removing_move(struct search *s, move_fn *moves, int p, int arg, int whole)
{
	int kept = 0;

	for (int i = 0; i <= N_MOVES && kept < whole; i++) {
		int d = i < N_MOVES && move_by[i] < whole ? move_by[i] : whole;

		if (!moves(s, p, d, arg)) {
			kept = d;
			continue;
		}
		for (int e = kept + 1; e < d; e++)
			if (moves(s, p, e, arg))
				return e;
		return d;
	}
	return 0;
}

/* The last d points before p run after the next segment (ending at end). */
static bool move_earlier(struct search *s, int p, int d, int end)
{
	return reversal_goes_away(s, p - d, end, false);
}

/* The next d points of the thread before p (from first) run before p. */
static bool move_later(struct search *s, int p, int d, int first)
{
	return reversal_goes_away(s, p, first + d - 1, true);
}

/*
 * The switch at point p (order[p - 1] != order[p]) moved earlier: the
 * first distance that removes the violation names A, the latest step of
 * the thread before the switch that must come first; B is the first point
 * of the next segment it must precede.
 */
static void try_earlier(struct search *s, int p)
{
	int start = p - 1, end = p, d, a;

	while (start > 0 && s->order[start - 1] == s->order[p - 1])
		start--;
	while (end + 1 < s->n && s->order[end + 1] == s->order[p])
		end++;
	d = first_removing_move(s, move_earlier, p, end, p - start);
	if (!d)
		return;
	a = p - d;
	for (int b = p; b <= end; b++)
		if (reversal_goes_away(s, a, b, false)) {
			add_found(s, a, b, false);
			return;
		}
}

/*
 * The switch at point p moved later, or removed (the thread before it
 * runs its whole next segment first): the first distance that removes the
 * violation names B, that thread's step that must come after; A is the
 * latest point of another thread it must follow.
 */
static void try_later(struct search *s, int p)
{
	uint8_t x = s->order[p - 1];
	int first = p, last, d, t;

	while (first < s->n && s->order[first] != x)
		first++;
	if (first == s->n)
		return;
	last = first;
	while (last + 1 < s->n && s->order[last + 1] == x)
		last++;
	d = first_removing_move(s, move_later, p, first, last - first + 1);
	if (!d)
		return;
	t = first + d - 1;
	for (int c = t - 1; c >= p; c--)
		if (s->order[c] != x && reversal_goes_away(s, c, t, true)) {
			add_found(s, c, t, true);
			return;
		}
}

static int compare_found(const void *x, const void *y)
{
	const struct found *a = x, *b = y;

	return a->a != b->a ? a->a - b->a : a->b - b->b;
}

static void search_switches(struct search *s)
{
	for (int p = 1; p < s->n; p++) {
		if (s->order[p - 1] == s->order[p])
			continue;
		try_earlier(s, p);
		try_later(s, p);
	}
}

/* ---- the explanation --------------------------------------------------- */

struct explanation {
	struct recording rec;
	struct input without_waits; /* the program searched, if waits were taken out */
	bool waits_dropped;
	uint8_t order[RECORDING_MAX_POINTS]; /* the order searched */
	int orig[RECORDING_MAX_POINTS];	     /* its points in the recorded run */
	int n;
	struct search search;
	struct critical_pair pairs[MAX_FOUND];
	int n_pairs;
};

/* Would the program without its waits fail the same way in the recorded
 * order? Then search that program: its orders can all be reversed. */
static bool use_program_without_waits(struct explanation *e, const struct input *in)
{
	const struct exec_result *r = &e->rec.r;
	struct exec_result *v = &e->search.r;

	if (!drop_waits(in, &e->without_waits))
		return false;
	e->n = order_without_waits(&e->rec, e->order, e->orig);
	run_order(&e->without_waits, e->order, e->n, v);
	e->search.runs++;
	return v->violation && strcmp(v->oracle, r->oracle) == 0 && strcmp(v->kind, r->kind) == 0;
}

static void choose_program(struct explanation *e, const struct input *in)
{
	e->waits_dropped = use_program_without_waits(e, in);
	e->search.in = e->waits_dropped ? &e->without_waits : in;
	if (e->waits_dropped)
		return;
	e->n = e->rec.n;
	for (int k = 0; k < e->n; k++) {
		e->order[k] = e->rec.chosen[k];
		e->orig[k] = k;
	}
}

/* The frame a COW decision acts on ("reuse_swap_page frame 1: mapcount 1
 * -> reuse", "do_wp_page frame 1: refcount 2 != 1 -> copy"), or -1. */
static int cow_decision_frame(const char *text)
{
	const char *f = strstr(text, "frame ");
	int pfn;

	if (!f || (!strstr(text, "reuse") && !strstr(text, "-> copy")))
		return -1;
	return sscanf(f, "frame %d", &pfn) == 1 ? pfn : -1;
}

/* Does the line take a reference on frame pfn: GUP's, a pin's, a pipe
 * buffer's? */
static bool takes_reference(const char *text, int pfn)
{
	static const char *const refs[] = {"folio_try_get frame", "folio_get frame",
					   "pipe holds frame", "pin P"};
	const char *f = strstr(text, "frame ");
	int n;

	if (!f || sscanf(f, "frame %d", &n) != 1 || n != pfn)
		return false;
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		if (strstr(text, refs[i]))
			return true;
	return false;
}

/* The searched position of recorded point k, or -1 (a wait's point). */
static int searched_position(const struct explanation *e, int k)
{
	for (int i = 0; i < e->n; i++)
		if (e->orig[i] == k)
			return i;
	return -1;
}

/*
 * The COW rule decides by a frame's mappings and references. When the
 * step a critical ordering leads to is such a decision, the latest
 * reference the other thread took on that frame up to its own step is a
 * cause too (the vmsplice()d pipe buffer the reuse misses): reported as a
 * pair of its own, verified the same way.
 */
static void add_reference_pairs(struct explanation *e)
{
	struct search *s = &e->search;
	const struct recording *rec = &e->rec;

	for (int i = 0, n = s->n_found; i < n; i++) {
		const struct found f = s->found[i];
		int b = recording_slice_line(rec, e->orig[f.b]), ref = -1, pos;
		int pfn = b >= 0 ? cow_decision_frame(rec->lines[b].text) : -1;
		struct found *added;

		for (int k = 0; pfn >= 0 && k < rec->n_lines; k++) {
			const struct trace_line *l = &rec->lines[k];

			if (l->step > (uint32_t)e->orig[f.a] + 1)
				break;
			if (l->tid == e->order[f.a] && takes_reference(l->text, pfn))
				ref = k;
		}
		if (ref < 0)
			continue;
		pos = searched_position(e, (int)rec->lines[ref].step - 1);
		if (pos < 0 || pos == f.a || e->order[pos] != e->order[f.a] ||
		    !reversal_goes_away(s, pos, f.b, false))
			continue;
		added = add_found(s, pos, f.b, false);
		if (added)
			added->line_a = ref;
	}
}

static void fill_pair(const struct explanation *e, const struct found *f, struct critical_pair *p)
{
	int a = e->orig[f->a], b = e->orig[f->b];

	memset(p, 0, sizeof(*p));
	p->before_step = (uint64_t)a + 1;
	p->after_step = (uint64_t)b + 1;
	p->before_thread = e->rec.chosen[a];
	p->after_thread = e->rec.chosen[b];
	if (f->line_a >= 0)
		recording_describe_line(&e->rec, f->line_a, p->before, sizeof(p->before));
	else
		recording_describe_slice(&e->rec, a, p->before, sizeof(p->before));
	recording_describe_slice(&e->rec, b, p->after, sizeof(p->after));
	snprintf(p->reversed, sizeof(p->reversed), "%s", f->verdict);
	p->at_before = f->a;
	p->at_after = f->b;
	p->hoist = f->hoist;
	p->without_waits = e->waits_dropped;
}

/* Record `in`, and if it fails, find its critical pairs. */
static bool explain(struct explanation *e, const struct input *in, char *err, size_t errlen)
{
	struct search *s = &e->search;

	if (!recording_run(in, true, &e->rec, err, errlen))
		return false;
	if (!e->rec.r.violation)
		return true;
	s->oracle = e->rec.r.oracle;
	s->kind = e->rec.r.kind;
	choose_program(e, in);
	s->order = e->order;
	s->n = e->n;
	search_switches(s);
	add_reference_pairs(e);
	qsort(s->found, (size_t)s->n_found, sizeof(s->found[0]), compare_found);
	for (int i = 0; i < s->n_found; i++)
		fill_pair(e, &s->found[i], &e->pairs[e->n_pairs++]);
	return true;
}

static struct explanation *explanation_new(void)
{
	return calloc(1, sizeof(struct explanation));
}

static void explanation_free(struct explanation *e)
{
	if (e)
		recording_free(&e->rec);
	free(e);
}

int explain_pairs(const struct input *in, struct critical_pair *pairs, int max)
{
	struct explanation *e = explanation_new();
	char err[256];
	int n = 0;

	if (e && explain(e, in, err, sizeof(err)))
		for (; n < e->n_pairs && n < max; n++)
			pairs[n] = e->pairs[n];
	explanation_free(e);
	return n;
}

void explain_reverse(const struct input *in, const struct critical_pair *p, struct exec_result *r)
{
	struct explanation *e = explanation_new();
	char err[256];
	uint8_t *reversed = e ? malloc(RECORDING_MAX_POINTS) : NULL;

	if (!reversed || !recording_run(in, false, &e->rec, err, sizeof(err))) {
		runner_execute(in, NULL, false, NULL, r);
		goto out;
	}
	if (p->without_waits && use_program_without_waits(e, in)) {
		in = &e->without_waits;
	} else {
		e->n = e->rec.n;
		memcpy(e->order, e->rec.chosen, (size_t)e->n);
	}
	if (p->at_before < 0 || p->at_before >= p->at_after || p->at_after >= e->n ||
	    e->order[p->at_before] == e->order[p->at_after]) {
		run_order(in, e->order, e->n, r);
		goto out;
	}
	reverse_order(e->order, e->n, p->at_before, p->at_after, p->hoist, reversed);
	run_order(in, reversed, e->n, r);
out:
	free(reversed);
	explanation_free(e);
}

/* ---- the report -------------------------------------------------------- */

static int threads_in(const struct explanation *e)
{
	bool seen[SCHED_MAX_THREADS] = {false};
	int n = 0;

	for (int k = 0; k < e->rec.n; k++)
		if (!seen[e->rec.chosen[k]]) {
			seen[e->rec.chosen[k]] = true;
			n++;
		}
	return n;
}

static void print_pairs(const struct explanation *e, FILE *out)
{
	fprintf(out, "== critical orderings (%u runs", e->search.runs);
	if (e->waits_dropped)
		fprintf(out, "; the program's wait/signal ops taken out, the schedule keeps their "
			     "order");
	fprintf(out, ")\n");
	if (!e->n_pairs && threads_in(e) < 2)
		fprintf(out, "none: one thread, nothing to order\n");
	else if (!e->n_pairs)
		fprintf(out, "none: every reordering tried keeps the violation, which follows from "
			     "the program's own order\n");
	for (int i = 0; i < e->n_pairs; i++) {
		const struct critical_pair *p = &e->pairs[i];

		fprintf(out,
			"%d. %s (step %llu)\n   happens before %s (step %llu)\n   reversed: %s\n",
			i + 1, p->before, (unsigned long long)p->before_step, p->after,
			(unsigned long long)p->after_step, p->reversed);
	}
}

/* Does text mention write #value (not #value0...)? */
static bool mentions_value(const char *text, unsigned value)
{
	char tag[16];
	size_t n = (size_t)snprintf(tag, sizeof(tag), "#%u", value);

	for (const char *s = strstr(text, tag); s; s = strstr(s + 1, tag))
		if (s[n] < '0' || s[n] > '9')
			return true;
	return false;
}

/* The write numbers the oracle's report names, in order. */
static int report_values(const char *report, unsigned *values, int max)
{
	int n = 0;

	for (const char *s = strchr(report, '#'); s && n < max; s = strchr(s + 1, '#')) {
		unsigned v;
		bool seen = false;

		if (sscanf(s + 1, "%u", &v) != 1 || v == 0)
			continue;
		for (int i = 0; i < n; i++)
			seen |= values[i] == v;
		if (!seen)
			values[n++] = v;
	}
	return n;
}

/* Who wrote each value the oracle judged, through which frames it went
 * (COW copies) and who read it. */
static void print_value_flow(const struct recording *rec, FILE *out)
{
	const char *report = rec->r.sched.report;
	unsigned values[MAX_VALUES];
	int n = report_values(report, values, MAX_VALUES);
	char text[512];

	fprintf(out, "== value flow\n");
	for (const char *s = report; *s;) {
		const char *end = strchr(s, '\n');
		int len = end ? (int)(end - s) : (int)strlen(s);

		if (len)
			fprintf(out, "  %.*s\n", len, s);
		s += len + (end ? 1 : 0);
	}
	if (!n)
		fprintf(out, "(the verdict names no stored value)\n");
	for (int i = 0; i < n; i++) {
		fprintf(out, "write #%u:\n", values[i]);
		for (int k = 0; k < rec->n_lines; k++) {
			const struct trace_line *l = &rec->lines[k];

			if (!recording_kernel_line(l->text) || !mentions_value(l->text, values[i]))
				continue;
			recording_describe_line(rec, k, text, sizeof(text));
			fprintf(out, "  %s (step %u)\n", text, l->step);
		}
	}
}

int explain_print(const struct input *in, const char *name, FILE *out)
{
	struct explanation *e = explanation_new();
	char err[256], sig[256];
	int status;

	if (!e || !explain(e, in, err, sizeof(err))) {
		fprintf(stderr, "mmfuzz: %s: %s\n", name, e ? err : "out of memory");
		explanation_free(e);
		return 2;
	}
	runner_signature(&e->rec.r, sig, sizeof(sig));
	fprintf(out, "%s\n", sig);
	status = e->rec.r.violation ? 1 : 0;
	if (status) {
		print_pairs(e, out);
		print_value_flow(&e->rec, out);
		explain_oracle(e->rec.r.oracle, out);
	} else {
		fprintf(out, "nothing to explain: CLEAN\n");
	}
	explanation_free(e);
	return status;
}
