/* SPDX-License-Identifier: MIT */
/* The binary input format (see input.h) and file loading. */
#include "input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target/model.h"

struct reader {
	const uint8_t *data;
	size_t size;
	size_t pos;
};

static bool take(struct reader *r, uint8_t *byte)
{
	if (r->pos >= r->size)
		return false;
	*byte = r->data[r->pos++];
	return true;
}

/* How many op kinds each input version knows: version 2 appended the
 * write-protect, file and fault-retry ops, version 3 mremap, mbind and
 * the stack, version 4 fail-alloc, so older inputs decode as they always
 * did. */
_Static_assert(OP_EIO + 1 == OP_NR_V2, "version 2 inputs must decode as they did");
_Static_assert(OP_MMAP_STACK + 1 == OP_NR_V3, "version 3 inputs must decode as they did");

static int op_kinds(uint8_t version)
{
	static const int kinds[] = {0, OP_NR_V1, OP_NR_V2, OP_NR_V3};

	return version < 4 ? kinds[version] : OP_NR;
}

static void decode_op(uint8_t version, uint8_t kind, uint8_t fields, struct op *op)
{
	op->kind = (uint8_t)(kind % op_kinds(version));
	op->va = fields & 3;
	op->word = (fields >> 2) & 1;
	op->arg = fields >> 3;
}

static bool decode_thread(struct reader *r, uint8_t version, int t, struct scenario_thread *th,
			  char *err, size_t errlen)
{
	uint8_t hdr;

	if (!take(r, &hdr)) {
		snprintf(err, errlen, "truncated: input ends before the header of thread %d", t);
		return false;
	}
	th->n_ops = (uint8_t)((hdr & 0x1f) % (SCN_MAX_OPS + 1));
	th->spawn = (uint8_t)((hdr >> 5) % (t + 1));
	for (int i = 0; i < th->n_ops; i++) {
		uint8_t kind, fields;

		if (!take(r, &kind) || !take(r, &fields)) {
			snprintf(err, errlen,
				 "truncated: thread %d declares %d ops, input ends in op %d", t,
				 th->n_ops, i);
			return false;
		}
		decode_op(version, kind, fields, &th->ops[i]);
	}
	return true;
}

static const uint8_t wrapper_magic[4] = {0x89, 'M', 'M', 'F'};

/* Past a wrapper, if there is one: its model goes to in->model. */
static enum input_error unwrap(struct reader *r, struct input *in, char *err, size_t errlen)
{
	uint8_t version, len;

	if (r->size == 0 || r->data[0] != wrapper_magic[0])
		return INPUT_OK;
	if (r->size < sizeof(wrapper_magic) ||
	    memcmp(r->data, wrapper_magic, sizeof(wrapper_magic)) != 0) {
		snprintf(err, errlen, "not an mmfuzz input: it starts with 0x89 but not \\x89MMF");
		return INPUT_BAD_VERSION;
	}
	r->pos = sizeof(wrapper_magic);
	if (!take(r, &version) || !take(r, &len) || r->size - r->pos < len) {
		snprintf(err, errlen, "truncated: input ends inside its model header");
		return INPUT_TRUNCATED;
	}
	if (version != INPUT_WRAPPER_VERSION) {
		snprintf(err, errlen, "unknown model header version %u (this build reads %d)",
			 version, INPUT_WRAPPER_VERSION);
		return INPUT_BAD_VERSION;
	}
	if (memchr(r->data + r->pos, 0, len)) {
		snprintf(err, errlen, "corrupt: the model header is not a model name");
		return INPUT_CORRUPT;
	}
	memcpy(in->model, r->data + r->pos, len);
	in->model[len] = 0;
	r->pos += len;
	return INPUT_OK;
}

enum input_error input_decode(const uint8_t *data, size_t size, struct input *in, char *err,
			      size_t errlen)
{
	struct reader r = {data, size, 0};
	uint8_t version, nthreads;
	enum input_error e;

	memset(&in->scenario, 0, sizeof(in->scenario));
	in->schedule = NULL;
	in->schedule_len = 0;
	in->model[0] = 0;
	e = unwrap(&r, in, err, errlen);
	if (e != INPUT_OK)
		return e;
	if (!take(&r, &version)) {
		snprintf(err, errlen, "truncated: empty input");
		return INPUT_EMPTY;
	}
	if (version < 1 || version > INPUT_VERSION) {
		snprintf(err, errlen,
			 "unknown input version %u (this build reads versions 1 to %d)", version,
			 INPUT_VERSION);
		return INPUT_BAD_VERSION;
	}
	if (!take(&r, &nthreads)) {
		snprintf(err, errlen, "truncated: input ends before the thread count");
		return INPUT_TRUNCATED;
	}
	in->scenario.n_threads = (uint8_t)(nthreads % SCN_MAX_THREADS + 1);
	for (int t = 0; t < in->scenario.n_threads; t++)
		if (!decode_thread(&r, version, t, &in->scenario.thread[t], err, errlen))
			return INPUT_TRUNCATED;
	scenario_normalize(&in->scenario);
	in->schedule = data + r.pos;
	in->schedule_len = size - r.pos;
	if (in->schedule_len > INPUT_MAX_SCHEDULE)
		in->schedule_len = INPUT_MAX_SCHEDULE;
	return INPUT_OK;
}

static uint8_t encode_fields(const struct op *op)
{
	return (uint8_t)((op->va & 3) | ((op->word & 1) << 2) | (op->arg << 3));
}

size_t input_encode(const struct input *in, uint8_t *out, size_t cap)
{
	const struct scenario *sc = &in->scenario;
	size_t n = 0;

#define PUT(b)                                                                                     \
	do {                                                                                       \
		if (n < cap)                                                                       \
			out[n] = (uint8_t)(b);                                                     \
		n++;                                                                               \
	} while (0)
	PUT(INPUT_VERSION);
	PUT(sc->n_threads - 1);
	for (int t = 0; t < sc->n_threads; t++) {
		const struct scenario_thread *th = &sc->thread[t];

		PUT(th->n_ops | (th->spawn << 5));
		for (int i = 0; i < th->n_ops; i++) {
			PUT(th->ops[i].kind);
			PUT(encode_fields(&th->ops[i]));
		}
	}
	for (size_t i = 0; i < in->schedule_len; i++)
		PUT(in->schedule[i]);
#undef PUT
	return n <= cap ? n : 0;
}

/*
 * Which format a file is in, from its first bytes. The two cannot be
 * confused: a binary input starts with a control byte (its version, 1 to
 * INPUT_VERSION, or a future one) or with the wrapper's 0x89, and text
 * starts with a printable ASCII character, white space or a UTF-8 byte
 * order mark. Any other first byte (the rest of 0x80..0xff) is neither.
 */
/* A bare input starts with its version byte: it must stay a control byte
 * that white space (tab, LF, CR) is not, or binary could be taken for text. */
_Static_assert(INPUT_VERSION < '\t', "a version byte would read as white space");

enum input_format input_format_of(const uint8_t *data, size_t size)
{
	uint8_t first;

	if (size == 0)
		return INPUT_FORMAT_BINARY; /* decoding says "empty input" */
	first = data[0];
	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		return INPUT_FORMAT_TEXT;
	if (first == '\t' || first == '\n' || first == '\r' || (first >= 0x20 && first < 0x7f))
		return INPUT_FORMAT_TEXT;
	if (first < 0x20 || first == 0x7f || first == wrapper_magic[0])
		return INPUT_FORMAT_BINARY;
	return INPUT_FORMAT_UNKNOWN;
}

static bool is_stdio(const char *path)
{
	return strcmp(path, "-") == 0;
}

/* The file's bytes with a NUL after them; "-" is standard input. */
static uint8_t *read_whole_file(const char *path, size_t *size, char *err, size_t errlen)
{
	FILE *f = is_stdio(path) ? stdin : fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0;
	bool failed;

	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;

		if (len + 4096 + 1 > cap) {
			uint8_t *bigger;

			cap = cap ? cap * 2 : 8192;
			bigger = realloc(buf, cap);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	failed = !buf || ferror(f);
	if (f == stdin)
		clearerr(f);
	else
		fclose(f);
	if (failed) {
		snprintf(err, errlen, "cannot read %s", is_stdio(path) ? "standard input" : path);
		free(buf);
		return NULL;
	}
	buf[len] = 0;
	*size = len;
	return buf;
}

/* The wrapper naming in->model, then the bare encoding. */
static size_t encode_saved(const struct input *in, uint8_t *buf, size_t cap)
{
	size_t len = strlen(in->model), head = 0, n;

	if (len) {
		memcpy(buf, wrapper_magic, sizeof(wrapper_magic));
		buf[4] = INPUT_WRAPPER_VERSION;
		buf[5] = (uint8_t)len;
		memcpy(buf + 6, in->model, len);
		head = 6 + len;
	}
	n = input_encode(in, buf + head, cap - head);
	return n ? head + n : 0;
}

/* "-" is standard output, unless it is a terminal (binary would garble it,
 * as gzip and zstd refuse to do). */
static bool write_stdout(const uint8_t *buf, size_t n, char *err, size_t errlen)
{
	if (isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "not writing a binary input to a terminal");
		return false;
	}
	if (fwrite(buf, 1, n, stdout) != n || fflush(stdout) != 0) {
		snprintf(err, errlen, "cannot write standard output: %s", strerror(errno));
		return false;
	}
	return true;
}

bool input_save_file(const struct input *in, const char *path, char *err, size_t errlen)
{
	uint8_t buf[INPUT_MAX_SAVED];
	size_t n = encode_saved(in, buf, sizeof(buf));
	FILE *f;
	bool ok;

	if (!n) {
		snprintf(err, errlen, "cannot encode the input for %s", path);
		return false;
	}
	if (is_stdio(path))
		return write_stdout(buf, n, err, errlen);
	f = fopen(path, "wb");
	ok = f && fwrite(buf, 1, n, f) == n;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	return ok;
}

/* Text is a C string to the parser: a NUL inside would end it unseen. */
static bool has_nul(const uint8_t *buf, size_t size, char *err, size_t errlen)
{
	const uint8_t *nul = memchr(buf, 0, size);
	const uint8_t *line = buf;
	int lineno = 1;

	if (!nul)
		return false;
	for (const uint8_t *c = buf; c < nul; c++)
		if (*c == '\n') {
			lineno++;
			line = c + 1;
		}
	snprintf(err, errlen, "%d:%d: a NUL byte in a text input", lineno, (int)(nul - line) + 1);
	return true;
}

static enum input_error neither(const uint8_t *buf, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "not an mmfuzz input: its first byte 0x%02x starts neither text (ASCII or a "
		 "UTF-8 byte order mark) nor a binary input (a version byte or \\x89MMF)",
		 buf[0]);
	return INPUT_CORRUPT;
}

enum input_error input_load_file(const char *path, struct input *in, uint8_t **storage, char *err,
				 size_t errlen)
{
	size_t size = 0;
	uint8_t *buf = read_whole_file(path, &size, err, errlen);

	*storage = buf;
	if (!buf)
		return INPUT_CORRUPT;
	switch (input_format_of(buf, size)) {
	case INPUT_FORMAT_TEXT:
		if (has_nul(buf, size, err, errlen))
			return INPUT_CORRUPT;
		return input_parse_text((const char *)buf, in, err, errlen);
	case INPUT_FORMAT_BINARY:
		return input_decode(buf, size, in, err, errlen);
	default:
		return neither(buf, err, errlen);
	}
}
