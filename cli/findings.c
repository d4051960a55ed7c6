/* SPDX-License-Identifier: MIT */
/* The findings folder of a model (see findings.h). */
#include "findings.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz/minimize.h"
#include "replay.h"
#include "fuzz/runner.h"
#include "xalloc.h"

#define REPORT_NAME	"report.txt"
#define MINIMIZED_NAME	"minimized.mmf"
#define DUPLICATES_NAME "duplicates"
#define UNREPRO_NAME	"unreproducible"
#define SUMMARY_NAME	"summary.json"

static void list_add(struct str_list *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->items = check_alloc(realloc(l->items, (size_t)l->cap * sizeof(*l->items)));
	}
	l->items[l->n++] = xstrdup(s);
}

static bool list_has(const struct str_list *l, const char *s)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

static void list_free(struct str_list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a directory (regular files, or directories), sorted, no
 * dot-files: those are our temporary files and lock. */
static void list_dir(const char *path, bool dirs, struct str_list *out)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *full = xasprintf("%s/%s", path, e->d_name);
		struct stat st;

		if (e->d_name[0] != '.' && stat(full, &st) == 0 &&
		    (dirs ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)))
			list_add(out, e->d_name);
		free(full);
	}
	closedir(d);
	if (out->n)
		qsort(out->items, (size_t)out->n, sizeof(*out->items), compare_names);
}

static bool make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return true;
	snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
	return false;
}

static char *iso_time(time_t t)
{
	struct tm tm;
	char buf[32];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

/* "<oracle>.<kind>" with anything but [A-Za-z0-9._+=-] replaced, so that
 * it is always one safe path component. */
static char *folder_name(const char *oracle, const char *kind)
{
	char *name = kind[0] ? xasprintf("%s.%s", oracle, kind) : xstrdup(oracle);

	for (char *p = name; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+=-",
			    *p))
			*p = '_';
	if (name[0] == '.' || name[0] == 0) {
		char *safe = xasprintf("_%s", name);

		free(name);
		name = safe;
	}
	return name;
}

/* Write `text` to dir/name through a temporary file and a rename. */
static bool write_text(const char *dir, const char *name, const char *text, char *err,
		       size_t errlen)
{
	char *tmp = xasprintf("%s/.%s.tmp", dir, name);
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(tmp, "w");
	bool ok = fp && fputs(text, fp) >= 0;

	if (fp && fclose(fp) != 0)
		ok = false;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	free(path);
	return ok;
}

/* Save `in` (self-describing when in->model is set) as dir/name, through
 * a temporary file and a rename. */
static bool save_input(const char *dir, const char *name, const struct input *in, char *err,
		       size_t errlen)
{
	char *tmp = xasprintf("%s/.%s.tmp", dir, name);
	char *path = xasprintf("%s/%s", dir, name);
	bool ok = input_save_file(in, tmp, err, errlen);

	if (ok && rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
		ok = false;
	}
	if (!ok)
		unlink(tmp);
	free(tmp);
	free(path);
	return ok;
}

/* ---- the summary ---- */

static cJSON *load_summary(const char *root)
{
	char *path = xasprintf("%s/%s", root, SUMMARY_NAME);
	FILE *fp = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	cJSON *json = NULL;

	if (fp) {
		FILE *mem = open_memstream(&text, &len);
		char buf[4096];
		size_t n;

		while (mem && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
			fwrite(buf, 1, n, mem);
		if (mem)
			fclose(mem);
		fclose(fp);
		json = text ? cJSON_Parse(text) : NULL;
		if (!json)
			fprintf(stderr,
				"mmfuzz: warning: %s does not parse: rebuilt from the folders\n",
				path);
	}
	free(text);
	free(path);
	return json;
}

static const cJSON *summary_entry(const cJSON *summary, const char *name)
{
	const cJSON *sigs = cJSON_GetObjectItemCaseSensitive(summary, "signatures");
	const cJSON *e;

	cJSON_ArrayForEach(e, sigs)
	{
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "signature");

		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return e;
	}
	return NULL;
}

static const char *entry_string(const cJSON *entry, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static cJSON *sig_json(const struct findings *f, const struct finding_sig *s)
{
	cJSON *e = check_alloc(cJSON_CreateObject());
	cJSON *files = check_alloc(cJSON_CreateArray());
	char *repro = xasprintf("%s/%s", s->name, s->reproducer);
	char *verdict = xasprintf("mmfuzz: VIOLATION %s %s profile=%s", s->oracle,
				  s->kind[0] ? s->kind : "-", f->model);
	char *replay = xasprintf("mmfuzz replay %s/%s", f->root, repro);
	char *report = xasprintf("%s/%s", s->name, REPORT_NAME);
	char *minimized = xasprintf("%s/%s", s->name, MINIMIZED_NAME);

	cJSON_AddStringToObject(e, "signature", s->name);
	cJSON_AddStringToObject(e, "oracle", s->oracle);
	cJSON_AddStringToObject(e, "kind", s->kind);
	cJSON_AddStringToObject(e, "verdict", verdict);
	cJSON_AddStringToObject(e, "first_seen", s->first_seen);
	cJSON_AddNumberToObject(e, "count", s->files.n);
	for (int i = 0; i < s->files.n; i++)
		cJSON_AddItemToArray(files, cJSON_CreateString(s->files.items[i]));
	cJSON_AddItemToObject(e, "files", files);
	cJSON_AddStringToObject(e, "reproducer", repro);
	cJSON_AddStringToObject(e, "report", report);
	if (s->minimized)
		cJSON_AddStringToObject(e, "minimized", minimized);
	else
		cJSON_AddNullToObject(e, "minimized");
	cJSON_AddStringToObject(e, "replay", replay);
	cJSON_AddNumberToObject(e, "muted_hits", (double)s->muted_hits);
	free(repro);
	free(verdict);
	free(replay);
	free(report);
	free(minimized);
	return e;
}

static char *summary_text(const struct findings *f)
{
	cJSON *root = check_alloc(cJSON_CreateObject());
	cJSON *sigs, *unrepro;
	char *text;

	cJSON_AddStringToObject(root, "model", f->model);
	cJSON_AddStringToObject(root, "folder", f->root);
	sigs = cJSON_AddArrayToObject(root, "signatures");
	for (int i = 0; i < f->n_sigs; i++)
		cJSON_AddItemToArray(sigs, sig_json(f, &f->sigs[i]));
	unrepro = cJSON_AddArrayToObject(root, "unreproducible");
	for (int i = 0; i < f->unreproducible.n; i++) {
		char *rel = xasprintf("%s/%s", UNREPRO_NAME, f->unreproducible.items[i]);

		cJSON_AddItemToArray(unrepro, cJSON_CreateString(rel));
		free(rel);
	}
	text = check_alloc(cJSON_Print(root));
	cJSON_Delete(root);
	return text;
}

bool findings_write_summary(struct findings *f, char *err, size_t errlen)
{
	char *text = summary_text(f);
	char *with_newline;
	bool ok;

	if (f->last_summary && strcmp(f->last_summary, text) == 0) {
		free(text);
		return true;
	}
	with_newline = xasprintf("%s\n", text);
	ok = write_text(f->root, SUMMARY_NAME, with_newline, err, errlen);
	free(with_newline);
	if (ok) {
		free(f->last_summary);
		f->last_summary = text;
	} else {
		free(text);
	}
	return ok;
}

/* ---- loading the folder ---- */

static struct finding_sig *add_sig(struct findings *f, const char *name)
{
	struct finding_sig *s;
	int at = 0;

	if (f->n_sigs == f->cap_sigs) {
		f->cap_sigs = f->cap_sigs ? 2 * f->cap_sigs : 16;
		f->sigs = check_alloc(realloc(f->sigs, (size_t)f->cap_sigs * sizeof(*f->sigs)));
	}
	while (at < f->n_sigs && strcmp(f->sigs[at].name, name) < 0)
		at++;
	memmove(&f->sigs[at + 1], &f->sigs[at], (size_t)(f->n_sigs - at) * sizeof(*f->sigs));
	f->n_sigs++;
	s = &f->sigs[at];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	return s;
}

static struct finding_sig *find_sig(struct findings *f, const char *name)
{
	for (int i = 0; i < f->n_sigs; i++)
		if (strcmp(f->sigs[i].name, name) == 0)
			return &f->sigs[i];
	return NULL;
}

/* Oracle and kind from the summary, else from the folder's name (oracle
 * names have no '.'). */
static void set_oracle_kind(struct finding_sig *s, const cJSON *entry)
{
	const char *oracle = entry_string(entry, "oracle");
	const char *kind = entry_string(entry, "kind");
	const char *dot = strchr(s->name, '.');

	if (oracle && kind) {
		s->oracle = xstrdup(oracle);
		s->kind = xstrdup(kind);
	} else {
		s->oracle = dot ? strndup(s->name, (size_t)(dot - s->name)) : xstrdup(s->name);
		check_alloc(s->oracle);
		s->kind = xstrdup(dot ? dot + 1 : "");
	}
}

/* The reproducer: the one the summary names, else the first top-level
 * file, else the first duplicate (someone removed it). */
static const char *choose_reproducer(const struct str_list *top, const struct str_list *dups,
				     const cJSON *entry)
{
	const char *named = entry_string(entry, "reproducer");
	const char *base = named ? strrchr(named, '/') : NULL;

	base = base ? base + 1 : named;
	if (base && list_has(top, base))
		return base;
	return top->n ? top->items[0] : dups->n ? dups->items[0] : NULL;
}

/* Add dir-relative `file` of signature s to its list of files. */
static void add_file(struct finding_sig *s, const char *file)
{
	char *rel = xasprintf("%s/%s", s->name, file);

	if (!list_has(&s->files, rel))
		list_add(&s->files, rel);
	free(rel);
}

/* The reproducer first, then other top-level inputs, then duplicates/. */
static void list_sig_files(struct finding_sig *s, const struct str_list *top,
			   const struct str_list *dups)
{
	add_file(s, s->reproducer);
	for (int i = 0; i < top->n; i++)
		add_file(s, top->items[i]);
	for (int i = 0; i < dups->n; i++) {
		char *file = xasprintf("%s/%s", DUPLICATES_NAME, dups->items[i]);

		add_file(s, file);
		free(file);
	}
}

/* What the folder cannot hold: the first-seen time (else the
 * reproducer's time) and the muted re-hits. */
static void set_history(const struct findings *f, struct finding_sig *s, const cJSON *entry)
{
	const char *first_seen = entry_string(entry, "first_seen");
	const cJSON *hits = cJSON_GetObjectItemCaseSensitive(entry, "muted_hits");
	char *path = xasprintf("%s/%s/%s", f->root, s->name, s->reproducer);
	struct stat st;

	s->first_seen = first_seen	       ? xstrdup(first_seen)
			: stat(path, &st) == 0 ? iso_time(st.st_mtime)
					       : iso_time(time(NULL));
	s->muted_hits = cJSON_IsNumber(hits) ? (unsigned long)hits->valuedouble : 0;
	free(path);
}

/* A signature folder; one without any input is not a signature (yet: a
 * campaign killed while filing its first). */
static void load_sig(struct findings *f, const char *name, const cJSON *summary)
{
	const cJSON *entry = summary_entry(summary, name);
	char *dir = xasprintf("%s/%s", f->root, name);
	char *dup_dir = xasprintf("%s/%s", dir, DUPLICATES_NAME);
	struct str_list top = {0}, dups = {0}, files = {0};
	const char *repro;

	list_dir(dir, false, &files);
	for (int i = 0; i < files.n; i++)
		if (strcmp(files.items[i], REPORT_NAME) != 0 &&
		    strcmp(files.items[i], MINIMIZED_NAME) != 0)
			list_add(&top, files.items[i]);
	list_dir(dup_dir, false, &dups);
	repro = choose_reproducer(&top, &dups, entry);
	if (repro) {
		struct finding_sig *s = add_sig(f, name);

		set_oracle_kind(s, entry);
		s->reproducer =
			xasprintf("%s%s", list_has(&top, repro) ? "" : DUPLICATES_NAME "/", repro);
		set_history(f, s, entry);
		s->minimized = list_has(&files, MINIMIZED_NAME);
		s->known_at_start = true;
		list_sig_files(s, &top, &dups);
	}
	list_free(&top);
	list_free(&dups);
	list_free(&files);
	free(dir);
	free(dup_dir);
}

/* Crash files of the old flat layout (findings/<profile>/crash-*) are
 * staged to be filed like new ones. */
static void stage_flat_layout(struct findings *f)
{
	struct str_list top = {0};

	list_dir(f->root, false, &top);
	for (int i = 0; i < top.n; i++) {
		char *from, *to;

		if (strncmp(top.items[i], "crash-", 6) != 0)
			continue;
		from = xasprintf("%s/%s", f->root, top.items[i]);
		to = xasprintf("%s/%s", f->incoming, top.items[i]);
		if (rename(from, to) != 0)
			fprintf(stderr, "mmfuzz: warning: cannot move %s to %s: %s\n", from, to,
				strerror(errno));
		free(from);
		free(to);
	}
	list_free(&top);
}

static void load_folder(struct findings *f)
{
	struct str_list dirs = {0};
	cJSON *summary = load_summary(f->root);
	char *unrepro = xasprintf("%s/%s", f->root, UNREPRO_NAME);

	list_dir(f->root, true, &dirs);
	for (int i = 0; i < dirs.n; i++)
		if (strcmp(dirs.items[i], UNREPRO_NAME) != 0)
			load_sig(f, dirs.items[i], summary);
	list_dir(unrepro, false, &f->unreproducible);
	cJSON_Delete(summary);
	list_free(&dirs);
	free(unrepro);
}

static bool take_lock(struct findings *f, char *err, size_t errlen)
{
	char *path = xasprintf("%s/.lock", f->root);

	f->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(path);
	if (f->lock_fd < 0) {
		snprintf(err, errlen, "cannot open the lock of %s: %s", f->root, strerror(errno));
		return false;
	}
	if (flock(f->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return true;
	snprintf(err, errlen, "another campaign is filing into %s (its .lock is held)", f->root);
	close(f->lock_fd);
	f->lock_fd = -1;
	return false;
}

bool findings_open(struct findings *f, const char *base, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	f->lock_fd = -1;
	f->model = xstrdup(runner_profile_name());
	f->root = xasprintf("%s/%s", base, f->model);
	f->incoming = xasprintf("%s/.incoming", f->root);
	if (!make_dir(base, err, errlen) || !make_dir(f->root, err, errlen) ||
	    !make_dir(f->incoming, err, errlen) || !take_lock(f, err, errlen))
		return false;
	stage_flat_layout(f);
	load_folder(f);
	return true;
}

void findings_close(struct findings *f)
{
	for (int i = 0; i < f->n_sigs; i++) {
		struct finding_sig *s = &f->sigs[i];

		free(s->name);
		free(s->oracle);
		free(s->kind);
		free(s->first_seen);
		free(s->reproducer);
		list_free(&s->files);
	}
	free(f->sigs);
	list_free(&f->unreproducible);
	free(f->last_summary);
	free(f->root);
	free(f->incoming);
	free(f->model);
	if (f->lock_fd >= 0)
		close(f->lock_fd);
	memset(f, 0, sizeof(*f));
	f->lock_fd = -1;
}

/* ---- filing ---- */

/* A file that replays clean (or does not load) keeps its raw bytes in
 * unreproducible/: it may be a sanitizer report the CLI cannot see. */
static enum filed file_unreproducible(struct findings *f, const char *path, const char *name,
				      char *err, size_t errlen)
{
	char *dir = xasprintf("%s/%s", f->root, UNREPRO_NAME);
	char *to = xasprintf("%s/%s", dir, name);
	char why[512];
	enum filed how = FILED_CLEAN;

	snprintf(why, sizeof(why), "%s", err);
	if (!make_dir(dir, err, errlen)) {
		how = FILED_ERROR;
	} else if (rename(path, to) != 0) {
		snprintf(err, errlen, "cannot move %s to %s: %s", path, to, strerror(errno));
		how = FILED_ERROR;
	} else {
		if (!list_has(&f->unreproducible, name))
			list_add(&f->unreproducible, name);
		f->clean_here++;
		snprintf(err, errlen, "%s", why);
	}
	free(dir);
	free(to);
	return how;
}

static enum filed file_duplicate(struct findings *f, struct finding_sig *s, const char *path,
				 const char *name, const struct input *in, char *err, size_t errlen)
{
	char *top = xasprintf("%s/%s", s->name, name);
	char *rel = xasprintf("%s/%s/%s", s->name, DUPLICATES_NAME, name);
	char *dir = xasprintf("%s/%s/%s", f->root, s->name, DUPLICATES_NAME);
	enum filed how = FILED_ALREADY;

	if (!list_has(&s->files, top) && !list_has(&s->files, rel)) {
		how = FILED_ERROR;
		if (make_dir(dir, err, errlen) && save_input(dir, name, in, err, errlen)) {
			list_add(&s->files, rel);
			s->files_here++;
			how = FILED_DUPLICATE;
		}
	}
	if (how != FILED_ERROR)
		unlink(path);
	free(top);
	free(rel);
	free(dir);
	return how;
}

/* The minimised text form, if minimize_input() keeps the signature
 * within its bound; NULL if not (or if minimisation is not available). */
static char *minimized_text(const struct input *in, const struct exec_result *orig)
{
	struct input *min = check_alloc(malloc(sizeof(*min)));
	struct minimize_stats st;
	struct exec_result r;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	if (minimize_input(in, min, FINDINGS_MINIMIZE_RUNS, &st)) {
		runner_execute(min, NULL, false, NULL, &r);
		if (r.violation && strcmp(r.oracle, orig->oracle) == 0 &&
		    strcmp(r.kind, orig->kind) == 0 && (mem = open_memstream(&text, &len))) {
			snprintf(min->model, sizeof(min->model), "%s", in->model);
			input_print_text(min, mem);
			fclose(mem);
		}
	}
	free(min);
	return text;
}

static char *report_text(const struct input *in, const char *title)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = check_alloc(open_memstream(&text, &len));

	replay_print(in, title, mem);
	fclose(mem);
	return check_alloc(text);
}

/* A new signature: its minimised form and report first, the reproducer
 * last (a folder without one is not a signature yet), then the staged
 * file goes. */
static enum filed file_new(struct findings *f, const char *path, const char *name,
			   const struct input *in, const struct exec_result *r,
			   struct finding_sig **sig, char *err, size_t errlen)
{
	char *sig_name = folder_name(r->oracle, r->kind);
	char *dir = xasprintf("%s/%s", f->root, sig_name);
	char *title = xasprintf("%s/%s", dir, name);
	char *minimized = minimized_text(in, r);
	char *report = report_text(in, title);
	bool ok = make_dir(dir, err, errlen) &&
		  (!minimized || write_text(dir, MINIMIZED_NAME, minimized, err, errlen)) &&
		  write_text(dir, REPORT_NAME, report, err, errlen) &&
		  save_input(dir, name, in, err, errlen);

	if (ok) {
		struct finding_sig *s = add_sig(f, sig_name);
		char *rel = xasprintf("%s/%s", sig_name, name);

		s->oracle = xstrdup(r->oracle);
		s->kind = xstrdup(r->kind);
		s->first_seen = iso_time(time(NULL));
		s->reproducer = xstrdup(name);
		s->minimized = minimized != NULL;
		s->new_here = true;
		s->files_here = 1;
		list_add(&s->files, rel);
		free(rel);
		unlink(path);
		*sig = s;
	}
	free(sig_name);
	free(dir);
	free(title);
	free(minimized);
	free(report);
	return ok ? FILED_NEW : FILED_ERROR;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

enum filed findings_file(struct findings *f, const char *path, struct finding_sig **sig, char *err,
			 size_t errlen)
{
	const char *name = base_name(path);
	struct input *in = check_alloc(malloc(sizeof(*in)));
	uint8_t *storage = NULL;
	struct exec_result r;
	struct finding_sig *s;
	enum filed how;

	*sig = NULL;
	if (input_load_file(path, in, &storage, err, errlen) != INPUT_OK) {
		how = file_unreproducible(f, path, name, err, errlen);
		goto out;
	}
	/* The campaign's model, whatever a planted file may say. */
	snprintf(in->model, sizeof(in->model), "%s", f->model);
	runner_execute(in, NULL, false, NULL, &r);
	if (!r.violation) {
		snprintf(err, errlen, "replays clean on %s", f->model);
		how = file_unreproducible(f, path, name, err, errlen);
		goto out;
	}
	{
		char *sig_name = folder_name(r.oracle, r.kind);

		s = find_sig(f, sig_name);
		free(sig_name);
	}
	if (s) {
		*sig = s;
		how = file_duplicate(f, s, path, name, in, err, errlen);
	} else {
		how = file_new(f, path, name, in, &r, sig, err, errlen);
	}
out:
	free(storage);
	free(in);
	return how;
}

char *findings_known_keys(const struct findings *f)
{
	char *keys = xstrdup("");

	for (int i = 0; i < f->n_sigs; i++) {
		char *more = xasprintf("%s%s%s:%s", keys, i ? "," : "", f->sigs[i].oracle,
				       f->sigs[i].kind);

		free(keys);
		keys = more;
	}
	return keys;
}

void findings_add_hits(struct findings *f, const char *key, unsigned long n, bool this_run)
{
	for (int i = 0; i < f->n_sigs; i++) {
		struct finding_sig *s = &f->sigs[i];
		size_t len = strlen(s->oracle);

		if (strncmp(key, s->oracle, len) == 0 && key[len] == ':' &&
		    strcmp(key + len + 1, s->kind) == 0) {
			s->muted_hits += n;
			if (this_run)
				s->hits_here += n;
			return;
		}
	}
}

char *findings_reproducer_path(const struct findings *f, const struct finding_sig *s)
{
	return xasprintf("%s/%s/%s", f->root, s->name, s->reproducer);
}
