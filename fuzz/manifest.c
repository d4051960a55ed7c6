/* SPDX-License-Identifier: MIT */
/* Reading the regression manifest (see manifest.h). */
#include "manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_CHARS 1024
#define SEPARATORS     " \t\r\n"

static bool grow(struct manifest *m)
{
	struct manifest_line *lines;
	int cap = m->cap ? 2 * m->cap : 64;

	lines = realloc(m->lines, (size_t)cap * sizeof(*lines));
	if (!lines)
		return false;
	m->lines = lines;
	m->cap = cap;
	return true;
}

/* Copy a field, or say why it does not fit. */
static bool copy_field(char *dst, size_t cap, const char *src, const char *what, const char *path,
		       int lineno, char *err, size_t errlen)
{
	if (strlen(src) >= cap) {
		snprintf(err, errlen, "%s:%d: %s longer than %zu characters", path, lineno, what,
			 cap - 1);
		return false;
	}
	memcpy(dst, src, strlen(src) + 1);
	return true;
}

/* One line that is neither blank nor a comment: exactly three fields. */
static bool parse_line(char *text, struct manifest_line *l, const char *path, int lineno, char *err,
		       size_t errlen)
{
	char *save = NULL;
	char *file = strtok_r(text, SEPARATORS, &save);
	char *model = strtok_r(NULL, SEPARATORS, &save);
	char *expect = strtok_r(NULL, SEPARATORS, &save);

	if (!expect || strtok_r(NULL, SEPARATORS, &save)) {
		snprintf(err, errlen, "%s:%d: expected three fields, FILE MODEL EXPECT", path,
			 lineno);
		return false;
	}
	l->lineno = lineno;
	return copy_field(l->file, sizeof(l->file), file, "the file name", path, lineno, err,
			  errlen) &&
	       copy_field(l->model, sizeof(l->model), model, "the model", path, lineno, err,
			  errlen) &&
	       copy_field(l->expect, sizeof(l->expect), expect, "the verdict", path, lineno, err,
			  errlen);
}

static bool skipped(const char *text)
{
	text += strspn(text, SEPARATORS);
	return *text == 0 || *text == '#';
}

static bool read_lines(FILE *f, struct manifest *m, const char *path, char *err, size_t errlen)
{
	char text[LINE_MAX_CHARS];
	int lineno = 0;

	while (fgets(text, sizeof(text), f)) {
		lineno++;
		if (!strchr(text, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line longer than %d characters", path, lineno,
				 LINE_MAX_CHARS - 2);
			return false;
		}
		if (skipped(text))
			continue;
		if (m->n == m->cap && !grow(m)) {
			snprintf(err, errlen, "%s: out of memory", path);
			return false;
		}
		if (!parse_line(text, &m->lines[m->n], path, lineno, err, errlen))
			return false;
		m->n++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		return false;
	}
	return true;
}

bool manifest_load(const char *path, struct manifest *m, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	bool ok;

	*m = (struct manifest){0};
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	ok = read_lines(f, m, path, err, errlen);
	fclose(f);
	if (!ok)
		manifest_free(m);
	return ok;
}

void manifest_free(struct manifest *m)
{
	free(m->lines);
	*m = (struct manifest){0};
}
