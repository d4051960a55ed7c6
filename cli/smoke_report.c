/* SPDX-License-Identifier: MIT */
/*
 * Smoke's results as text, JUnit XML (libxml2's xmlTextWriter) and JSON
 * (cJSON). Nothing that varies from run to run goes in: no time, no
 * duration, no host name. Seeds are 64-bit, so JSON carries them as
 * decimal strings (a JSON number is a double).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <libxml/xmlwriter.h>

#include "smoke.h"
#include "smoke_prove.h"
#include "xalloc.h"

static int count_suite(const struct smoke_results *res, const char *suite, bool failed_only)
{
	int n = 0;

	for (int i = 0; i < res->n; i++)
		n += strcmp(res->cases[i].suite, suite) == 0 &&
		     (!failed_only || res->cases[i].failed);
	return n;
}

static int count_skipped(const struct smoke_results *res, const char *suite)
{
	int n = 0;

	for (int i = 0; i < res->n; i++)
		n += (!suite || strcmp(res->cases[i].suite, suite) == 0) &&
		     smoke_case_skipped(&res->cases[i]);
	return n;
}

static int count_proofs(const struct smoke_results *res)
{
	int n = 0;

	for (int i = 0; i < res->n; i++)
		n += smoke_case_is_proof(&res->cases[i]);
	return n;
}

static int count_named(const struct smoke_results *res, const char *name)
{
	int n = 0;

	for (int i = 0; i < res->n; i++)
		n += res->cases[i].strategy == NULL && strcmp(res->cases[i].name, name) == 0;
	return n;
}

static char *strategy_list(const char *sep)
{
	char *list = xstrdup("");

	for (int i = 0; i < smoke_n_strategies; i++) {
		char *longer = xasprintf("%s%s%s", list, i ? sep : "", smoke_strategies[i].name);

		free(list);
		list = longer;
	}
	return list;
}

/* How the case ran, for people: "pct-depth-3 on v5.7, schedule 12 of 2000
 * (seed N)", "own schedule on latest", "manifest line on v5.8". */
static char *case_where(const struct smoke_case *c)
{
	if (c->expected)
		return xasprintf("manifest line on %s", c->model);
	if (smoke_case_is_proof(c))
		return xasprintf("bounded proof (%s) on %s, %" PRIu64 " of %" PRIu64 " schedules",
				 c->name, c->model, c->schedules, c->budget);
	if (!c->strategy)
		return xasprintf("own schedule on %s", c->model);
	return xasprintf("%s on %s, schedule %" PRIu64 " of %" PRIu64 " (seed %" PRIu64 ")",
			 c->name, c->model, c->schedules, c->budget, c->seed);
}

void smoke_print_summary(const struct smoke_results *res, FILE *out)
{
	char *strategies = strategy_list(", ");

	for (int i = 0; i < res->n; i++) {
		const struct smoke_case *c = &res->cases[i];
		char *where;

		if (!c->failed)
			continue;
		where = case_where(c);
		fprintf(out, "FAIL %s, %s: %s\n", c->classname, where, c->message);
		if (c->reproducer)
			fprintf(out, "  replay: mmfuzz replay %s\n", c->reproducer);
		else if (c->note)
			fprintf(out, "  no reproducer: %s\n", c->note);
		free(where);
	}
	fprintf(out,
		"smoke: %d test cases, %d failed: %d manifest lines, %d scenarios on %s, "
		"%" PRIu64 " schedules (%" PRIu64 " per strategy: %s; seed %" PRIu64 ")\n",
		res->n, res->failures, count_suite(res, "regress", false),
		count_named(res, "own-schedule"), res->model, res->schedules, res->runs, strategies,
		res->seed);
	if (count_proofs(res))
		fprintf(out,
			"smoke: %d bounded proofs (budget %" PRIu64 " schedules each): %d skipped "
			"over budget, not proved\n",
			count_proofs(res), res->runs, count_skipped(res, NULL));
	free(strategies);
}

/* ---- JUnit XML ---- */

/* The failure's text: what failed, where, how to replay it, the report. */
static char *failure_text(const struct smoke_case *c)
{
	char *where = case_where(c), *text;
	char *replay = c->reproducer ? xasprintf("reproducer: %s\nreplay: mmfuzz replay %s\n",
						 c->reproducer, c->reproducer)
				     : xasprintf("no reproducer: %s\n", c->note ? c->note : "-");

	text = xasprintf("%s\ntest case: %s\n%s%s", c->message, where, replay,
			 c->report ? c->report : "");
	free(where);
	free(replay);
	return text;
}

static char *case_output(const struct smoke_case *c)
{
	if (c->expected)
		return xasprintf("on %s: expected %s, got %s\n", c->model, c->expected,
				 c->verdict ? c->verdict : "nothing (not run)");
	if (smoke_case_is_proof(c))
		return xasprintf("bounded proof, %s, %" PRIu64 " of %" PRIu64
				 " schedules on %s: %s\n",
				 c->name, c->schedules, c->budget, c->model, c->verdict);
	if (!c->strategy)
		return xasprintf("its own schedule on %s: %s\n", c->model, c->verdict);
	return xasprintf("%" PRIu64 " of %" PRIu64 " schedules on %s (seed %" PRIu64 "): %s\n",
			 c->schedules, c->budget, c->model, c->seed, c->verdict);
}

#define X(s) ((const xmlChar *)(s))

static bool attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	return xmlTextWriterWriteAttribute(w, X(name), X(value)) >= 0;
}

static bool attr_int(xmlTextWriterPtr w, const char *name, long long value)
{
	return xmlTextWriterWriteFormatAttribute(w, X(name), "%lld", value) >= 0;
}

static bool element(xmlTextWriterPtr w, const char *name, const char *text)
{
	return xmlTextWriterWriteElement(w, X(name), X(text)) >= 0;
}

static bool write_testcase(xmlTextWriterPtr w, const struct smoke_case *c)
{
	char *text = c->failed ? failure_text(c) : case_output(c);
	bool ok = xmlTextWriterStartElement(w, X("testcase")) >= 0 &&
		  attr(w, "classname", c->classname) && attr(w, "name", c->name);

	if (ok && c->failed)
		ok = xmlTextWriterStartElement(w, X("failure")) >= 0 &&
		     attr(w, "message", c->message) &&
		     attr(w, "type", c->oracle ? c->oracle : "verdict") &&
		     xmlTextWriterWriteString(w, X(text)) >= 0 && xmlTextWriterEndElement(w) >= 0;
	else if (ok && smoke_case_skipped(c))
		ok = xmlTextWriterStartElement(w, X("skipped")) >= 0 &&
		     attr(w, "message", SMOKE_PROVE_SKIPPED) && xmlTextWriterEndElement(w) >= 0 &&
		     element(w, "system-out", text);
	else if (ok)
		ok = element(w, "system-out", text);
	free(text);
	return ok && xmlTextWriterEndElement(w) >= 0;
}

static bool property(xmlTextWriterPtr w, const char *name, const char *value)
{
	return xmlTextWriterStartElement(w, X("property")) >= 0 && attr(w, "name", name) &&
	       attr(w, "value", value) && xmlTextWriterEndElement(w) >= 0;
}

/* The scenarios' suite: what a rerun needs (the manifest's lines name
 * their own models). */
static bool write_properties(xmlTextWriterPtr w, const struct smoke_results *res,
			     const struct smoke_case *first)
{
	char *seed = xasprintf("%" PRIu64, res->seed), *runs = xasprintf("%" PRIu64, res->runs);
	char *strategies = strategy_list(" ");
	bool ok = xmlTextWriterStartElement(w, X("properties")) >= 0 &&
		  property(w, "model", first->model) && property(w, "seed", seed) &&
		  property(w, "schedules-per-strategy", runs) &&
		  property(w, "strategies", strategies) && xmlTextWriterEndElement(w) >= 0;

	free(seed);
	free(runs);
	free(strategies);
	return ok;
}

static bool write_suite(xmlTextWriterPtr w, const struct smoke_results *res, int first)
{
	const char *suite = res->cases[first].suite;
	bool ok = xmlTextWriterStartElement(w, X("testsuite")) >= 0 && attr(w, "name", suite) &&
		  attr_int(w, "tests", count_suite(res, suite, false)) &&
		  attr_int(w, "failures", count_suite(res, suite, true)) &&
		  attr_int(w, "errors", 0) && attr_int(w, "skipped", count_skipped(res, suite));

	if (ok && strcmp(suite, "regress") != 0)
		ok = write_properties(w, res, &res->cases[first]);
	for (int i = first; ok && i < res->n; i++)
		if (strcmp(res->cases[i].suite, suite) == 0)
			ok = write_testcase(w, &res->cases[i]);
	return ok && xmlTextWriterEndElement(w) >= 0;
}

/* Each suite once, in the order its first case ran. */
static bool first_of_suite(const struct smoke_results *res, int i)
{
	for (int j = 0; j < i; j++)
		if (strcmp(res->cases[j].suite, res->cases[i].suite) == 0)
			return false;
	return true;
}

static bool write_document(xmlTextWriterPtr w, const struct smoke_results *res)
{
	bool ok = xmlTextWriterSetIndent(w, 1) >= 0 &&
		  xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) >= 0 &&
		  xmlTextWriterStartElement(w, X("testsuites")) >= 0 &&
		  attr(w, "name", "mmfuzz smoke") && attr_int(w, "tests", res->n) &&
		  attr_int(w, "failures", res->failures) && attr_int(w, "errors", 0);

	for (int i = 0; ok && i < res->n; i++)
		if (first_of_suite(res, i))
			ok = write_suite(w, res, i);
	return ok && xmlTextWriterEndElement(w) >= 0 && xmlTextWriterEndDocument(w) >= 0;
}

bool smoke_write_junit(const struct smoke_results *res, FILE *f)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	bool ok = w && write_document(w, res);

	if (w)
		xmlFreeTextWriter(w); /* flushes into buf */
	ok = ok && fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), f) ==
			   (size_t)xmlBufferLength(buf);
	if (buf)
		xmlBufferFree(buf);
	return ok;
}

/* ---- JSON ---- */

static void add_string(cJSON *o, const char *name, const char *value)
{
	if (value)
		cJSON_AddStringToObject(o, name, value);
}

static void add_u64(cJSON *o, const char *name, uint64_t value)
{
	char text[32];

	snprintf(text, sizeof(text), "%" PRIu64, value);
	cJSON_AddStringToObject(o, name, text);
}

static const char *case_status(const struct smoke_case *c)
{
	if (c->failed)
		return "failed";
	return smoke_case_skipped(c) ? "skipped" : "passed";
}

static cJSON *case_json(const struct smoke_case *c)
{
	cJSON *o = check_alloc(cJSON_CreateObject());

	add_string(o, "suite", c->suite);
	add_string(o, "classname", c->classname);
	add_string(o, "name", c->name);
	add_string(o, "model", c->model);
	add_string(o, "status", case_status(c));
	add_string(o, "expected", c->expected);
	add_string(o, "verdict", c->verdict);
	if (c->strategy) {
		add_string(o, "strategy", c->strategy->name);
		add_u64(o, "seed", c->seed);
	}
	cJSON_AddNumberToObject(o, "schedules", (double)c->schedules);
	add_string(o, "message", c->message);
	add_string(o, "oracle", c->oracle);
	add_string(o, "reproducer", c->reproducer);
	if (c->reproducer) {
		char *replay = xasprintf("mmfuzz replay %s", c->reproducer);

		cJSON_AddStringToObject(o, "replay", replay);
		free(replay);
	}
	add_string(o, "note", c->note);
	add_string(o, "report", c->report);
	return o;
}

static cJSON *results_json(const struct smoke_results *res)
{
	cJSON *o = check_alloc(cJSON_CreateObject());
	cJSON *strategies, *cases;

	add_string(o, "model", res->model);
	add_u64(o, "seed", res->seed);
	strategies = cJSON_AddArrayToObject(o, "strategies");
	for (int i = 0; i < smoke_n_strategies; i++)
		cJSON_AddItemToArray(strategies, cJSON_CreateString(smoke_strategies[i].name));
	cJSON_AddNumberToObject(o, "schedules_per_strategy", (double)res->runs);
	cJSON_AddNumberToObject(o, "tests", res->n);
	cJSON_AddNumberToObject(o, "failures", res->failures);
	cJSON_AddNumberToObject(o, "skipped", count_skipped(res, NULL));
	cJSON_AddNumberToObject(o, "schedules", (double)res->schedules);
	cases = cJSON_AddArrayToObject(o, "testcases");
	for (int i = 0; i < res->n; i++)
		cJSON_AddItemToArray(cases, case_json(&res->cases[i]));
	return o;
}

bool smoke_write_json(const struct smoke_results *res, FILE *f)
{
	cJSON *o = results_json(res);
	char *text = check_alloc(cJSON_Print(o));
	bool ok = fprintf(f, "%s\n", text) >= 0;

	cJSON_free(text);
	cJSON_Delete(o);
	return ok;
}
