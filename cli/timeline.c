/* SPDX-License-Identifier: MIT */
/* The timeline page of one execution (see timeline.h). */
#include "timeline.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/explain.h"
#include "fuzz/oracle_docs.h"
#include "fuzz/runner.h"
#include "scheduler/trace.h"
#include "timeline_internal.h"
#include "xalloc.h"

static const struct {
	const char *cls, *tag, *meaning;
} kind_info[K_NR] = {
	[K_OP] = {"op", "OP", "a program op starts"},
	[K_SCHED] = {"sched", "SWITCH", "context switch or thread start"},
	[K_DATA] = {"data", "USER", "user store or load, data copied or read by a device or pipe"},
	[K_PTE] = {"pte", "PTE", "page-table entry changed"},
	[K_TLB] = {"tlb", "TLB", "page walk, TLB fill or flush"},
	[K_FOLIO] = {"folio", "FOLIO", "folio allocated, refcount / mapcount / pin changed"},
	[K_FAULT] = {"fault", "FAULT", "fault handling"},
	[K_KERNEL] = {"kernel", "KERNEL", "other kernel step"},
	[K_VIOLATION] = {"viol", "ORACLE", "the oracle fails: the violation"},
};

static const char *const pair_colour[PAIR_COLOURS] = {
	"#db2777", "#7c3aed", "#0891b2", "#b45309", "#059669", "#e11d48", "#4f46e5", "#65a30d",
};

/* ---- writing ---- */

static void esc_n(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(s[i], f);
		}
	}
}

static void esc(FILE *f, const char *s)
{
	esc_n(f, s, strlen(s));
}

static const char css[] =
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu "
	"Sans',sans-serif;color:#0f172a;background:#f8fafc}\n"
	"code,pre,.mono,svg text{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace}\n"
	"header{padding:18px 22px 8px;background:#fff;border-bottom:1px solid #e2e8f0}\n"
	"h1{font-size:20px;margin:0 0 6px}h2{font-size:15px;margin:14px 0 6px}\n"
	".sig{font:600 15px 'DejaVu Sans Mono',monospace;padding:6px 10px;border-radius:6px;"
	"display:inline-block}\n"
	".sig.bad{background:#fee2e2;color:#991b1b;border:1px solid #fca5a5}\n"
	".sig.ok{background:#dcfce7;color:#166534;border:1px solid #86efac}\n"
	".facts{color:#475569;margin:6px 0}\n"
	".facts b{color:#0f172a}\n"
	"pre{background:#f1f5f9;border:1px solid #e2e8f0;border-radius:6px;padding:8px 10px;"
	"margin:4px 0;font-size:12.5px;white-space:pre-wrap}\n"
	"pre.report{background:#fef2f2;border-color:#fecaca}\n"
	".doc{max-width:1100px;color:#334155}\n"
	".cols{display:flex;gap:28px;flex-wrap:wrap}\n"
	".cols>div{flex:1 1 480px;min-width:380px}\n"
	"ol.pairs{margin:0;padding-left:0;list-style:none}\n"
	"ol.pairs li{margin:3px 0;padding:4px 8px;border-left:5px solid;background:#fff;"
	"border-radius:4px;font-size:13px;cursor:default}\n"
	"ol.pairs li:hover,ol.pairs li.hl{background:#fdf4ff}\n"
	".num{display:inline-block;min-width:20px;height:20px;border-radius:10px;color:#fff;"
	"text-align:center;font:700 12px/20px sans-serif;margin-right:6px}\n"
	".hb{color:#64748b;font-style:italic}\n"
	".legend{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:12.5px;color:#334155}\n"
	".legend svg{vertical-align:-3px}\n"
	"details{margin:6px 0}summary{cursor:pointer;color:#334155}\n"
	".tl{padding:0 16px 24px;min-width:max-content}\n"
	".lanes{display:grid;position:sticky;top:0;z-index:2;background:#0f172a;color:#fff;"
	"border-radius:6px 6px 0 0;margin-top:14px}\n"
	".lanes div{padding:6px 10px;border-left:1px solid #334155;font:700 13px sans-serif}\n"
	".lanes small{font-weight:400;color:#cbd5e1;margin-left:6px}\n"
	".progs{display:grid;background:#fff;border:1px solid #e2e8f0;border-top:0}\n"
	".progs div{padding:4px 10px;border-left:1px solid #e2e8f0;font:12px/1.5 'DejaVu Sans "
	"Mono',monospace;color:#334155;white-space:pre}\n"
	"svg.grid{box-sizing:content-box;display:block;background:#fff;border:1px solid "
	"#e2e8f0;border-top:0}\n"
	"svg text{font-size:12px}\n"
	".stepno{fill:#64748b;font-size:11px}\n"
	".sep{stroke:#e2e8f0;stroke-width:1}.lanesep{stroke:#cbd5e1;stroke-width:1}\n"
	".tick{stroke:#cbd5e1;stroke-width:1}.tick10{stroke:#94a3b8;stroke-width:1}\n"
	".run{opacity:.55}\n"
	".vsig{font-weight:700;fill:#991b1b}.vtext{fill:#7f1d1d}.vblock{fill:#fee2e2}.cblock{fill:#"
	"dcfce7}\n"
	".csig{font-weight:700;fill:#166534}\n"
	".vband{fill:#fee2e2}.vmark{fill:#dc2626;font-weight:700}\n"
	".ev .hit{fill:transparent}.ev:hover .hit{fill:#fef9c3}\n"
	".tagt{fill:#fff;font:700 8.5px sans-serif;letter-spacing:-.1px}\n"
	".tx{fill:#1e293b}.fn{font-weight:700}\n"
	".op .tag{fill:#334155}.op .tx{font-weight:700;fill:#0f172a}\n"
	".sched .tag{fill:#94a3b8}.sched .tx{fill:#64748b;font-style:italic}\n"
	".data .tag{fill:#1d4ed8}.data .fn{fill:#1d4ed8}\n"
	".pte .tag{fill:#c2410c}.pte .fn{fill:#c2410c}\n"
	".tlb .tag{fill:#0e7490}.tlb .fn{fill:#0e7490}\n"
	".folio .tag{fill:#15803d}.folio .fn{fill:#15803d}\n"
	".fault .tag{fill:#7e22ce}.fault .fn{fill:#7e22ce}\n"
	".kernel .tag{fill:#64748b}.kernel .fn{fill:#334155}\n"
	".viol .tag{fill:#dc2626}.viol .tx{fill:#991b1b;font-weight:700}\n"
	".lk{stroke-width:1}.lk.rd{fill-opacity:.35}\n"
	".lk-mmap{fill:#6366f1;stroke:#4338ca}.lk-ptl{fill:#f59e0b;stroke:#b45309}\n"
	".lk-pipe{fill:#ec4899;stroke:#be185d}.lk-page{fill:#84cc16;stroke:#4d7c0f}\n"
	".lk-other{fill:#94a3b8;stroke:#475569}\n"
	".lkt{fill:#fff;font:700 9px sans-serif;pointer-events:none}\n"
	".lkt.rd{fill:#1e293b}\n"
	".sw{stroke:#94a3b8;stroke-width:1.3;stroke-dasharray:4 3;fill:none}\n"
	".pair path{fill:none;stroke-width:2.6;opacity:.8}\n"
	".pair .badge{stroke:#fff;stroke-width:1.5}\n"
	".pair text{fill:#fff;font:700 11px sans-serif}\n"
	".pair:hover path,.pair.hl path{stroke-width:4.5;opacity:1}\n"
	"svg.focus .pair:not(.hl){opacity:.15}\n"
	"footer{padding:0 22px 20px;color:#64748b;font-size:12px}\n";

/* Hover on an ordering in the list shows its arrow alone; after layout,
 * the page states what it drew (the test reads it from the DOM). */
static const char script[] =
	"(function(){\n"
	"var svg=document.querySelector('svg.grid');\n"
	"function mark(k,on){document.querySelectorAll('[data-pair=\"'+k+'\"]').forEach("
	"function(e){e.classList.toggle('hl',on);});if(svg)svg.classList.toggle('focus',on);}\n"
	"document.querySelectorAll('li[data-pair]').forEach(function(li){\n"
	"li.addEventListener('mouseenter',function(){mark(li.dataset.pair,true);});\n"
	"li.addEventListener('mouseleave',function(){mark(li.dataset.pair,false);});});\n"
	"function shown(sel){var n=0;document.querySelectorAll(sel).forEach(function(e){"
	"var b=e.getBoundingClientRect();if(b.width>0&&b.height>0)n++;});return n;}\n"
	"var arrows=0;document.querySelectorAll('.pair path').forEach(function(p){"
	"if(p.getTotalLength()>0)arrows++;});\n"
	"document.body.setAttribute('data-rendered','events='+shown('g.ev')+' lanes='+"
	"shown('.lanes div.lane')+' locks='+shown('rect.lk')+' arrows='+arrows+' violation='+"
	"shown('rect.vband'));\n"
	"})();\n";

static const char *lock_class(const char *name)
{
	if (strncmp(name, "mmap_lock", 9) == 0)
		return "lk-mmap";
	if (strncmp(name, "ptl", 3) == 0)
		return "lk-ptl";
	if (strncmp(name, "pipe_mutex", 10) == 0)
		return "lk-pipe";
	if (strncmp(name, "page_lock", 9) == 0)
		return "lk-page";
	return "lk-other";
}

static void write_head(FILE *f, const struct timeline *tl)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", f);
	fputs("<meta name=\"viewport\" content=\"width=device-width\">\n<title>mmfuzz timeline: ",
	      f);
	esc(f, tl->signature);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
}

/* The length of the report before its policy list. */
static size_t report_head_len(const struct timeline *tl)
{
	const char *switches = strstr(tl->report, "  policy:\n");

	return switches ? (size_t)(switches - tl->report) : strlen(tl->report);
}

static int verdict_lines(const struct timeline *tl)
{
	size_t head = report_head_len(tl);
	int n = 0;

	for (size_t i = 0; i < head; i++)
		n += tl->report[i] == '\n';
	return n < 1 ? 1 : n > VERDICT_LINES_MAX ? VERDICT_LINES_MAX : n;
}

/* The report up to its policy, which goes in a folded section. */
static void write_report(FILE *f, const struct timeline *tl)
{
	const char *switches = strstr(tl->report, "  policy:\n");
	size_t head = report_head_len(tl);
	const char *doc = tl->r.violation ? oracle_doc(tl->r.oracle) : NULL;

	if (tl->r.violation) {
		fputs("<h2>Report</h2>\n<pre class=\"report\">", f);
		esc_n(f, tl->report, head);
		fputs("</pre>\n", f);
	}
	if (doc) {
		fputs("<h2>What ", f);
		esc(f, tl->r.oracle);
		fputs(" means</h2>\n<p class=\"doc\">", f);
		esc(f, doc);
		fputs("</p>\n", f);
	}
	fputs("<details><summary>The program (scenario and schedule)</summary><pre>", f);
	esc(f, tl->program);
	fputs("</pre></details>\n", f);
	if (switches) {
		fputs("<details><summary>The model's policy switches</summary><pre>", f);
		esc(f, switches);
		fputs("</pre></details>\n", f);
	}
}

static void write_pairs(FILE *f, const struct timeline *tl)
{
	fputs("<h2>Critical orderings</h2>\n", f);
	if (!tl->n_pairs) {
		fputs(tl->r.violation ? "<p class=\"doc\">mmfuzz explain found no ordering whose "
					"reversal removes the violation.</p>\n"
				      : "<p class=\"doc\">None: the run is clean.</p>\n",
		      f);
		return;
	}
	fputs("<p class=\"doc\">Each arrow goes from step A to step B: the violation needs A to "
	      "happen before B (running B first gives the verdict shown).</p>\n<ol "
	      "class=\"pairs\">\n",
	      f);
	for (int k = 0; k < tl->n_pairs; k++) {
		const struct critical_pair *p = &tl->pairs[k];
		const char *c = pair_colour[k % PAIR_COLOURS];

		fprintf(f,
			"<li data-pair=\"%d\" style=\"border-color:%s\"><span class=\"num\" "
			"style=\"background:%s\">%d</span>",
			k, c, c, k + 1);
		esc(f, p->before);
		fprintf(f, " <b>(step %llu)</b><br><span class=\"hb\">happens before</span> ",
			(unsigned long long)p->before_step);
		esc(f, p->after);
		fprintf(f, " <b>(step %llu)</b><br><span class=\"hb\">reversed:</span> ",
			(unsigned long long)p->after_step);
		esc(f, p->reversed);
		fputs("</li>\n", f);
	}
	fputs("</ol>\n", f);
}

/* The legend draws its samples with the classes the timeline uses, so
 * that the colours are defined once, in the style sheet. */
static void write_legend(FILE *f)
{
	static const struct {
		const char *cls, *text;
	} locks[] = {
		{"lk-mmap", "mmap_lock"}, {"lk-ptl", "page-table lock"}, {"lk-pipe", "pipe mutex"},
		{"lk-page", "page lock"}, {"lk-other", "other lock"},
	};

	fputs("<h2>Legend</h2>\n<div class=\"legend\">\n", f);
	for (int k = 0; k < K_NR; k++)
		fprintf(f,
			"<div><svg class=\"%s\" width=\"%d\" height=\"14\"><rect class=\"tag\" "
			"width=\"%d\" height=\"14\" rx=\"3\"/><text class=\"tagt\" x=\"%d\" "
			"y=\"10\" text-anchor=\"middle\">%s</text></svg> %s</div>\n",
			kind_info[k].cls, TAG_W, TAG_W, TAG_W / 2, kind_info[k].tag,
			kind_info[k].meaning);
	fputs("</div>\n<div class=\"legend\" style=\"margin-top:6px\">\n", f);
	for (size_t k = 0; k < sizeof(locks) / sizeof(locks[0]); k++)
		fprintf(f,
			"<div><svg width=\"%d\" height=\"15\"><rect class=\"lk %s\" x=\"0.5\" "
			"y=\"0.5\" width=\"%d\" height=\"14\" rx=\"3\"/></svg> %s held</div>\n",
			BAR_W + 1, locks[k].cls, BAR_W, locks[k].text);
	fputs("<div>solid bar: held exclusive (write); pale bar: held shared (read)</div>\n"
	      "<div>dashed grey arrow: context switch</div>\n"
	      "<div>hover a row for its full trace line and locks</div>\n</div>\n",
	      f);
}

static void write_header(FILE *f, const struct timeline *tl)
{
	fputs("<header>\n<h1>mmfuzz timeline</h1>\n", f);
	fprintf(f, "<div class=\"sig %s\">", tl->r.violation ? "bad" : "ok");
	esc(f, tl->signature);
	fputs("</div>\n<div class=\"facts\">model <b class=\"mono\">", f);
	esc(f, runner_profile_name());
	fprintf(f,
		"</b> &middot; <b>%llu</b> steps &middot; <b>%llu</b> context switches &middot; "
		"<b>%d</b> trace lines &middot; <b>%d</b> threads &middot; trace hash "
		"<span class=\"mono\">%016llx</span></div>\n",
		(unsigned long long)tl->r.sched.steps, (unsigned long long)tl->r.sched.switches,
		tl->n, tl->n_lanes, (unsigned long long)tl->r.sched.trace_hash);
	fputs("<div class=\"cols\">\n<div>\n", f);
	write_report(f, tl);
	fputs("</div>\n<div>\n", f);
	write_pairs(f, tl);
	write_legend(f);
	fputs("</div>\n</div>\n</header>\n", f);
}

/* The program lines of scenario thread `index` ("thread K ..." then its
 * indented ops), from the scenario text. */
static void write_thread_program(FILE *f, const char *program, int index)
{
	char head[32];
	const char *p;
	int len = snprintf(head, sizeof(head), "thread %d", index);

	for (p = program; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, head, (size_t)len) == 0 && (p[len] == ' ' || p[len] == '\n'))
			break;
	if (!p || !*p)
		return;
	if (strstr(p, "child-of") && strstr(p, "child-of") < strchr(p, '\n'))
		fputs("(child of a fork)\n", f);
	for (p = strchr(p, '\n'); p && p[1] == ' '; p = strchr(p + 1, '\n')) {
		const char *end = strchr(p + 1, '\n');
		const char *op = p + 1 + strspn(p + 1, " ");

		esc_n(f, op, end ? (size_t)(end - op) : strlen(op));
		fputc('\n', f);
	}
}

static void write_lane_titles(FILE *f, const struct timeline *tl)
{
	char cols[96];

	snprintf(cols, sizeof(cols), "%dpx repeat(%d,%dpx);width:%dpx", STEP_W, tl->n_lanes,
		 tl->lane_w, STEP_W + tl->n_lanes * tl->lane_w + 2);
	fprintf(f, "<div class=\"lanes\" style=\"grid-template-columns:%s\"><div>step</div>", cols);
	for (int k = 0; k < tl->n_lanes; k++) {
		fputs("<div class=\"lane\">", f);
		esc(f, tl->lane[k].name);
		if (tl->lane[k].cpu >= 0)
			fprintf(f, "<small>CPU%d</small>", tl->lane[k].cpu);
		else
			fputs("<small>checks after the run</small>", f);
		fputs("</div>", f);
	}
	fprintf(f, "</div>\n<div class=\"progs\" style=\"grid-template-columns:%s\"><div></div>",
		cols);
	for (int k = 0; k < tl->n_lanes; k++) {
		int index;

		fputs("<div>", f);
		if (sscanf(tl->lane[k].name, "T%d", &index) == 1)
			write_thread_program(f, tl->program, index);
		fputs("</div>", f);
	}
	fputs("</div>\n", f);
}

static void write_defs(FILE *f)
{
	fputs("<defs>\n<marker id=\"ah-sw\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
	      "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 "
	      "0L10 5L0 10z\" fill=\"#94a3b8\"/></marker>\n",
	      f);
	for (int k = 0; k < PAIR_COLOURS; k++)
		fprintf(f,
			"<marker id=\"ah%d\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" "
			"markerWidth=\"5\" markerHeight=\"5\" orient=\"auto-start-reverse\"><path "
			"d=\"M0 0L10 5L0 10z\" fill=\"%s\"/></marker>\n",
			k, pair_colour[k]);
	fputs("</defs>\n", f);
}

/* Lane backgrounds, the running thread's cell on each row, step
 * boundaries with their numbers. */
static void write_grid(FILE *f, const struct timeline *tl, int width, int height)
{
	static const char *const tint[] = {"#eff6ff", "#fefce8", "#f0fdf4", "#fdf2f8",
					   "#f5f3ff", "#ecfeff", "#fff7ed", "#f1f5f9"};

	for (int i = 0; i < tl->n; i++) {
		int lane = row_lane(tl, i);

		fprintf(f,
			"<rect class=\"run\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			"fill=\"%s\"/>\n",
			lane_x(tl, lane), row_y(i), tl->lane_w, ROW_H, tint[lane % 8]);
	}
	for (int i = 0; i < tl->n; i++) {
		if (i && tl->ev[i].step == tl->ev[i - 1].step)
			continue;
		fprintf(f, "<line class=\"%s\" x1=\"0\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>\n",
			tl->ev[i].step / 10 != (i ? tl->ev[i - 1].step / 10 : 0) ? "tick10" : "sep",
			width, row_y(i), row_y(i));
		fprintf(f,
			"<text class=\"stepno\" x=\"%d\" y=\"%d\" "
			"text-anchor=\"end\">%llu</text>\n",
			STEP_W - 10, row_y(i) + 14, (unsigned long long)tl->ev[i].step);
	}
	for (int k = 0; k <= tl->n_lanes; k++)
		fprintf(f, "<line class=\"lanesep\" x1=\"%d\" x2=\"%d\" y1=\"0\" y2=\"%d\"/>\n",
			lane_x(tl, k), lane_x(tl, k), height);
}

static void write_violation_band(FILE *f, const struct timeline *tl, int width)
{
	int row = violation_row(tl);

	if (row < 0)
		return;
	fprintf(f, "<rect class=\"vband\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
		row_y(row), width, ROW_H);
	fprintf(f, "<text class=\"vmark\" x=\"4\" y=\"%d\">&#10006;</text>\n", row_y(row) + 14);
}

/* Below the last row, the verdict in full, across every lane. */
static void write_verdict(FILE *f, const struct timeline *tl, int width)
{
	const char *line = tl->report, *end = tl->report + report_head_len(tl);
	int y = row_y(tl->n) + TOP;

	fprintf(f, "<rect class=\"%s\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
		tl->r.violation ? "vblock" : "cblock", y, width, verdict_lines(tl) * ROW_H + 8);
	for (int k = 0; k < verdict_lines(tl) && line < end; k++) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);

		fprintf(f, "<text class=\"%s\" x=\"%d\" y=\"%d\" xml:space=\"preserve\">",
			k		  ? "vtext"
			: tl->r.violation ? "vsig"
					  : "csig",
			STEP_W + 10, y + 4 + k * ROW_H + 14);
		esc_n(f, line, len);
		fputs("</text>\n", f);
		line += len + 1;
	}
	fprintf(f, "<text class=\"stepno\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
		STEP_W - 10, y + 18, "verdict");
}

static void write_lock_bar(FILE *f, const struct timeline *tl, int lane, int slot, int from, int to,
			   bool read)
{
	const char *name = tl->lane[lane].slot[slot];
	int x = lane_x(tl, lane) + 6 + slot * (BAR_W + BAR_GAP);
	int y = row_y(from) + 2, h = row_y(to) + ROW_H - 2 - y;

	fprintf(f, "<rect class=\"lk %s%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"3\">",
		lock_class(name), read ? " rd" : "", x, y, BAR_W, h);
	fprintf(f, "<title>%s holds ", tl->lane[lane].name);
	esc(f, name);
	fprintf(f, " %s from step %llu to step %llu</title></rect>\n",
		read ? "shared (read)" : "exclusive", (unsigned long long)tl->ev[from].step,
		(unsigned long long)tl->ev[to].step);
	if ((size_t)h >= strlen(name) * 6 + 8)
		fprintf(f,
			"<text class=\"lkt%s\" transform=\"translate(%d %d) rotate(-90)\" "
			"text-anchor=\"end\">%s</text>\n",
			read ? " rd" : "", x + BAR_W - 3, y + 4, name);
}

/* One bar per stretch of rows over which the thread held the lock in
 * one mode, from the first line that shows it to the last. */
static void write_lock_bars(FILE *f, const struct timeline *tl)
{
	for (int lane = 0; lane < tl->n_lanes; lane++) {
		for (int s = 0; s < tl->lane[lane].n_slots; s++) {
			int from = -1, to = -1;
			bool open_read = false;

			for (int i = 0; i < tl->n; i++) {
				bool read, held;

				if (row_lane(tl, i) != lane)
					continue;
				held = holds(&tl->ev[i], tl->lane[lane].slot[s], &read);
				if (from >= 0 && (!held || read != open_read)) {
					write_lock_bar(f, tl, lane, s, from, to, open_read);
					from = -1;
				}
				if (held && from < 0) {
					from = i;
					open_read = read;
				}
				if (held)
					to = i;
			}
			if (from >= 0)
				write_lock_bar(f, tl, lane, s, from, to, open_read);
		}
	}
}

static void write_switches(FILE *f, const struct timeline *tl)
{
	for (int i = 0; i < tl->n; i++) {
		int a = row_lane(tl, i), b = lane_of(tl, tl->ev[i].switch_to);
		int x1, x2;

		if (tl->ev[i].switch_to < 0 || b < 0 || a == b)
			continue;
		x1 = b > a ? text_end_x(tl, i) + 6 : tag_x(tl, a) - 4;
		x2 = b > a ? tag_x(tl, b) - 4 : lane_x(tl, b) + tl->lane_w - 10;
		fprintf(f, "<path class=\"sw\" d=\"M%d %d H%d\" marker-end=\"url(#ah-sw)\"/>\n", x1,
			row_mid(i), x2);
	}
}

static void write_event(FILE *f, const struct timeline *tl, int row)
{
	const struct tl_event *e = &tl->ev[row];
	int lane = row_lane(tl, row), y = row_y(row);
	size_t fn, n, room = row_room(tl, row);
	char buf[512];
	bool cut;

	display_text(tl, e, buf, sizeof(buf), &fn);
	n = strlen(buf);
	fprintf(f, "<g class=\"ev %s\"><title>", kind_info[e->kind].cls);
	esc(f, e->line);
	fprintf(f, "</title><rect class=\"hit\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
		lane_x(tl, lane) + 1, y, tl->lane_w - 2, ROW_H);
	fprintf(f, "<rect class=\"tag\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" rx=\"3\"/>",
		tag_x(tl, lane), y + 3, TAG_W);
	fprintf(f, "<text class=\"tagt\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
		tag_x(tl, lane) + TAG_W / 2, y + 13, kind_info[e->kind].tag);
	fprintf(f, "<text class=\"tx\" x=\"%d\" y=\"%d\">", text_x(tl, lane), y + 14);
	cut = n > room; /* then an ellipsis: the title has it all */
	if (cut) {
		n = room ? room - 1 : 0;
		buf[n] = '\0';
	}
	if (fn > n)
		fn = n;
	if (fn) {
		fputs("<tspan class=\"fn\">", f);
		esc_n(f, buf, fn);
		fputs("</tspan>", f);
	}
	esc(f, buf + fn);
	fprintf(f, "%s</text></g>\n", cut ? "&#8230;" : "");
}

static void write_events(FILE *f, const struct timeline *tl)
{
	for (int i = 0; i < tl->n; i++)
		write_event(f, tl, i);
}

/* An arrow leaves A beside its text on B's side and enters B's row from
 * A's side, so that neither row's text is crossed. */
static void write_pair(FILE *f, const struct timeline *tl, int k)
{
	const struct critical_pair *p = &tl->pairs[k];
	int a = find_row(tl, p->before_step, p->before_thread, p->before);
	int b = find_row(tl, p->after_step, p->after_thread, p->after);
	int la, lb, x1, x2, y1, y2, mx, bx, by;

	if (a < 0 || b < 0)
		return;
	la = row_lane(tl, a);
	lb = row_lane(tl, b);
	y1 = row_mid(a);
	y2 = row_mid(b);
	if (lb > la) {
		x1 = text_end_x(tl, a) + 4;
		x2 = tag_x(tl, lb) - 3;
	} else if (lb < la) {
		x1 = tag_x(tl, la) - 3;
		x2 = text_end_x(tl, b) + 6;
	} else {
		x1 = text_end_x(tl, a) + 4;
		x2 = text_end_x(tl, b) + 6;
	}
	mx = lb == la ? (x1 > x2 ? x1 : x2) + 60 : (x1 + x2) / 2;
	/* The cubic's midpoint, for the number. */
	bx = (x1 + 3 * mx + 3 * mx + x2) / 8;
	by = (y1 + 3 * y1 + 3 * y2 + y2) / 8;
	fprintf(f, "<g class=\"pair\" data-pair=\"%d\"><title>%d. ", k, k + 1);
	esc(f, p->before);
	fprintf(f, " (step %llu) happens before ", (unsigned long long)p->before_step);
	esc(f, p->after);
	fprintf(f, " (step %llu); reversed: ", (unsigned long long)p->after_step);
	esc(f, p->reversed);
	fprintf(f,
		"</title><path d=\"M%d %d C%d %d %d %d %d %d\" stroke=\"%s\" "
		"marker-end=\"url(#ah%d)\"/>",
		x1, y1, mx, y1, mx, y2, x2, y2, pair_colour[k % PAIR_COLOURS], k % PAIR_COLOURS);
	fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"3.5\" fill=\"%s\"/>", x1, y1,
		pair_colour[k % PAIR_COLOURS]);
	fprintf(f, "<circle class=\"badge\" cx=\"%d\" cy=\"%d\" r=\"9\" fill=\"%s\"/>", bx, by,
		pair_colour[k % PAIR_COLOURS]);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text></g>\n", bx, by + 4,
		k + 1);
}

static void write_timeline(FILE *f, const struct timeline *tl)
{
	int width = STEP_W + tl->n_lanes * tl->lane_w;
	int height = row_y(tl->n) + TOP + verdict_lines(tl) * ROW_H + 8;

	fputs("<div class=\"tl\">\n", f);
	write_lane_titles(f, tl);
	fprintf(f,
		"<svg class=\"grid\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"role=\"img\" aria-label=\"timeline\">\n",
		width, height, width, height);
	write_defs(f);
	write_grid(f, tl, width, height);
	write_violation_band(f, tl, width);
	write_lock_bars(f, tl);
	write_switches(f, tl);
	write_events(f, tl);
	for (int k = 0; k < tl->n_pairs; k++)
		write_pair(f, tl, k);
	write_verdict(f, tl, width);
	fputs("</svg>\n</div>\n", f);
}

static void write_page(FILE *f, const struct timeline *tl)
{
	write_head(f, tl);
	write_header(f, tl);
	write_timeline(f, tl);
	fputs("<footer>Written by <span class=\"mono\">mmfuzz replay --html</span>; rows are "
	      "trace lines in execution order, one lane per thread (each thread runs on its own "
	      "CPU).</footer>\n",
	      f);
	fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", script);
}

bool timeline_write_html(const struct input *in, const char *path, char *err, size_t errlen)
{
	struct timeline *tl = check_alloc(calloc(1, sizeof(*tl)));
	FILE *f = fopen(path, "w");
	bool ok = f != NULL;

	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	} else {
		run_and_read(tl, in);
		write_page(f, tl);
		if (ferror(f) | (fclose(f) != 0)) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
			ok = false;
		}
	}
	free(tl->ev);
	free(tl->program);
	free(tl->report);
	free(tl);
	return ok;
}
