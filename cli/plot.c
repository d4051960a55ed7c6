/* SPDX-License-Identifier: MIT */
/* The statistics plot (see plot.h). */
#include "plot.h"

#include <libxml/xmlwriter.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "xalloc.h"

#define WIDTH	     760
#define PANEL_HEIGHT 170
#define MARGIN_LEFT  80
#define MARGIN_RIGHT 20
#define TITLE_HEIGHT 40
#define AXIS_HEIGHT  40
#define PANEL_GAP    30
#define PLOT_WIDTH   (WIDTH - MARGIN_LEFT - MARGIN_RIGHT)
#define TICKS	     5

/* One panel: which field of a sample, its name and colour. */
struct panel {
	const char *name;
	const char *colour;
	double (*value)(const struct stats_sample *s);
};

static double features_of(const struct stats_sample *s)
{
	return (double)s->features;
}

static double rate_of(const struct stats_sample *s)
{
	return s->exec_s;
}

static double findings_of(const struct stats_sample *s)
{
	return (double)s->findings;
}

static const struct panel panels[] = {
	{"features", "#1f77b4", features_of},
	{"exec/s", "#2ca02c", rate_of},
	{"findings (new signatures)", "#d62728", findings_of},
};

#define N_PANELS ((int)(sizeof(panels) / sizeof(panels[0])))

/* The writer's calls return -1 on an error; one check at the end. */
struct svg {
	xmlTextWriterPtr w;
	int failed;
};

static void check(struct svg *g, int rc)
{
	if (rc < 0)
		g->failed = 1;
}

static void attr(struct svg *g, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void attr(struct svg *g, const char *name, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	check(g, xmlTextWriterWriteAttribute(g->w, BAD_CAST name, BAD_CAST buf));
}

static void text(struct svg *g, double x, double y, const char *anchor, const char *s)
{
	check(g, xmlTextWriterStartElement(g->w, BAD_CAST "text"));
	attr(g, "x", "%.1f", x);
	attr(g, "y", "%.1f", y);
	attr(g, "text-anchor", "%s", anchor);
	check(g, xmlTextWriterWriteString(g->w, BAD_CAST s));
	check(g, xmlTextWriterEndElement(g->w));
}

static void line(struct svg *g, double x1, double y1, double x2, double y2, const char *stroke)
{
	check(g, xmlTextWriterStartElement(g->w, BAD_CAST "line"));
	attr(g, "x1", "%.1f", x1);
	attr(g, "y1", "%.1f", y1);
	attr(g, "x2", "%.1f", x2);
	attr(g, "y2", "%.1f", y2);
	attr(g, "stroke", "%s", stroke);
	check(g, xmlTextWriterEndElement(g->w));
}

struct scale {
	double t_max, v_max;
	double top; /* the panel's top edge */
};

static double x_of(const struct scale *sc, double t)
{
	return MARGIN_LEFT + (sc->t_max > 0 ? t / sc->t_max : 0) * PLOT_WIDTH;
}

static double y_of(const struct scale *sc, double v)
{
	return sc->top + PANEL_HEIGHT - (sc->v_max > 0 ? v / sc->v_max : 0) * PANEL_HEIGHT;
}

/* The grid and its labels first, the axes over them. Small ranges (a
 * few findings) get a decimal, so that no two labels read the same. */
static void axes(struct svg *g, const struct scale *sc, const struct panel *p)
{
	char label[64];

	for (int i = 0; i <= TICKS; i++) {
		double v = sc->v_max * i / TICKS, t = sc->t_max * i / TICKS;

		line(g, MARGIN_LEFT, y_of(sc, v), MARGIN_LEFT + PLOT_WIDTH, y_of(sc, v), "#eee");
		snprintf(label, sizeof(label), sc->v_max < TICKS ? "%.1f" : "%.0f", v);
		text(g, MARGIN_LEFT - 6, y_of(sc, v) + 4, "end", label);
		snprintf(label, sizeof(label), "%.0fs", t);
		text(g, x_of(sc, t), sc->top + PANEL_HEIGHT + 16, "middle", label);
	}
	line(g, MARGIN_LEFT, sc->top, MARGIN_LEFT, sc->top + PANEL_HEIGHT, "#444");
	line(g, MARGIN_LEFT, sc->top + PANEL_HEIGHT, MARGIN_LEFT + PLOT_WIDTH,
	     sc->top + PANEL_HEIGHT, "#444");
	text(g, MARGIN_LEFT, sc->top - 6, "start", p->name);
}

/* The series as one polyline; "x,y x,y ..." grows with the samples. */
static void series(struct svg *g, const struct scale *sc, const struct panel *p,
		   const struct stats_sample *s, int n)
{
	size_t cap = (size_t)n * 24 + 1, used = 0;
	char *points = check_alloc(malloc(cap));

	points[0] = 0;
	for (int i = 0; i < n; i++)
		used += (size_t)snprintf(points + used, cap - used, "%s%.1f,%.1f", i ? " " : "",
					 x_of(sc, s[i].time), y_of(sc, p->value(&s[i])));
	check(g, xmlTextWriterStartElement(g->w, BAD_CAST "polyline"));
	attr(g, "fill", "none");
	attr(g, "stroke", "%s", p->colour);
	attr(g, "stroke-width", "1.5");
	check(g, xmlTextWriterWriteAttribute(g->w, BAD_CAST "points", BAD_CAST points));
	check(g, xmlTextWriterEndElement(g->w));
	free(points);
}

static void draw_panel(struct svg *g, int index, const struct stats_sample *s, int n)
{
	const struct panel *p = &panels[index];
	struct scale sc = {.t_max = s[n - 1].time,
			   .top = TITLE_HEIGHT + index * (PANEL_HEIGHT + AXIS_HEIGHT + PANEL_GAP)};

	for (int i = 0; i < n; i++)
		if (p->value(&s[i]) > sc.v_max)
			sc.v_max = p->value(&s[i]);
	if (sc.v_max <= 0)
		sc.v_max = 1;
	axes(g, &sc, p);
	series(g, &sc, p, s, n);
}

static void document(struct svg *g, const char *title, const struct stats_sample *s, int n)
{
	int height = TITLE_HEIGHT + N_PANELS * (PANEL_HEIGHT + AXIS_HEIGHT + PANEL_GAP);

	check(g, xmlTextWriterStartDocument(g->w, NULL, "UTF-8", NULL));
	check(g, xmlTextWriterStartElement(g->w, BAD_CAST "svg"));
	attr(g, "xmlns", "http://www.w3.org/2000/svg");
	attr(g, "width", "%d", WIDTH);
	attr(g, "height", "%d", height);
	attr(g, "viewBox", "0 0 %d %d", WIDTH, height);
	attr(g, "font-family", "sans-serif");
	attr(g, "font-size", "12");
	check(g, xmlTextWriterStartElement(g->w, BAD_CAST "title"));
	check(g, xmlTextWriterWriteString(g->w, BAD_CAST title));
	check(g, xmlTextWriterEndElement(g->w));
	check(g, xmlTextWriterStartElement(g->w, BAD_CAST "rect"));
	attr(g, "width", "100%%");
	attr(g, "height", "100%%");
	attr(g, "fill", "white");
	check(g, xmlTextWriterEndElement(g->w));
	text(g, MARGIN_LEFT, 22, "start", title);
	for (int i = 0; i < N_PANELS; i++)
		draw_panel(g, i, s, n);
	check(g, xmlTextWriterEndDocument(g->w));
}

bool plot_write_svg(const char *path, const char *title, const struct stats_sample *samples, int n)
{
	xmlBufferPtr buf = xmlBufferCreate();
	struct svg g = {.w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL};
	FILE *out;
	bool ok;

	if (!g.w) {
		fprintf(stderr, "mmfuzz: cannot start the SVG writer\n");
		xmlBufferFree(buf);
		return false;
	}
	xmlTextWriterSetIndent(g.w, 1);
	document(&g, title, samples, n);
	xmlFreeTextWriter(g.w);
	ok = !g.failed;
	if (!ok)
		fprintf(stderr, "mmfuzz: cannot write the SVG\n");
	out = ok ? cli_open_out(path) : NULL;
	if (out) {
		fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), out);
		ok = cli_close_out(out, path);
	}
	xmlBufferFree(buf);
	return ok && out;
}
