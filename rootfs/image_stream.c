/* One layer blob streamed once, in three threads as `tar -xz` uses two processes:
 *   reader:   read the compressed blob, hash it           -> ring "blob"
 *   inflater: decompress (gzip, zstd, ...), cap the output -> ring "tar" (two readers)
 *   hasher:   hash the tar stream (the diff_id)             <- ring "tar"
 *   caller:   write the tar entries into the root           <- ring "tar"
 * Bounded rings; sizes, digests and the diff_id are all checked before the layer counts as applied. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rootfs/image_internal.h"
#include "runtime/util.h"

#define CHUNK (256u << 10)
#define BLOB_SLOTS 8
#define TAR_SLOTS 16
#define MAX_READERS 2

/* A bounded single-producer ring read by one or two consumers; a slot is reused once every consumer
 * has moved past it. A consumer holds its current slot until it asks for the next (libarchive's contract). */
struct ring {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned n_slots, n_readers;
	char **buf;
	size_t *len;
	uint64_t produced, consumed[MAX_READERS];
	bool held[MAX_READERS], closed, *abort;
};

/* The abort flag is set by any thread and read under each ring's own lock. */
static bool aborted(const bool *flag)
{
	return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}

static void ring_init(struct ring *r, unsigned n_slots, unsigned n_readers, bool *abort)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->n_slots = n_slots;
	r->n_readers = n_readers;
	r->abort = abort;
	r->buf = xzalloc(n_slots * sizeof(char *));
	r->len = xzalloc(n_slots * sizeof(size_t));
	for (unsigned i = 0; i < n_slots; i++)
		r->buf[i] = xmalloc(CHUNK);
}

static void ring_destroy(struct ring *r)
{
	for (unsigned i = 0; r->buf && i < r->n_slots; i++)
		free(r->buf[i]);
	free(r->buf);
	free(r->len);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

static uint64_t ring_min_consumed(const struct ring *r)
{
	uint64_t m = r->consumed[0];

	for (unsigned j = 1; j < r->n_readers; j++)
		if (r->consumed[j] < m)
			m = r->consumed[j];
	return m;
}

/* The next free slot to fill, or NULL when the pipeline was aborted. */
static char *ring_slot(struct ring *r)
{
	char *b = NULL;

	pthread_mutex_lock(&r->mu);
	while (!aborted(r->abort) && r->produced - ring_min_consumed(r) >= r->n_slots)
		pthread_cond_wait(&r->cv, &r->mu);
	if (!aborted(r->abort))
		b = r->buf[r->produced % r->n_slots];
	pthread_mutex_unlock(&r->mu);
	return b;
}

static void ring_publish(struct ring *r, size_t len)
{
	pthread_mutex_lock(&r->mu);
	r->len[r->produced % r->n_slots] = len;
	r->produced++;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static void ring_close(struct ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->closed = true;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static void ring_wake(struct ring *r)
{
	pthread_mutex_lock(&r->mu);
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/* Reader j: release the slot it held, wait for the next. 1 with data, 0 at the end, -1 when aborted. */
static int ring_next(struct ring *r, unsigned j, const void **buf, size_t *len)
{
	int ret;

	pthread_mutex_lock(&r->mu);
	if (r->held[j]) {
		r->held[j] = false;
		r->consumed[j]++;
		pthread_cond_broadcast(&r->cv);
	}
	while (!aborted(r->abort) && r->consumed[j] == r->produced && !r->closed)
		pthread_cond_wait(&r->cv, &r->mu);
	if (aborted(r->abort)) {
		ret = -1;
	} else if (r->consumed[j] == r->produced) {
		ret = 0;
	} else {
		*buf = r->buf[r->consumed[j] % r->n_slots];
		*len = r->len[r->consumed[j] % r->n_slots];
		r->held[j] = true;
		ret = 1;
	}
	pthread_mutex_unlock(&r->mu);
	return ret;
}

struct pipe {
	/* the blob */
	struct image_outer *o;
	struct image_blob *b;
	struct archive *outer;	/* libarchive on the outer tar, when the blob has no known offset */
	bool hash_blob;
	struct sha256_ctx blob_h, tar_h;
	uint64_t blob_n, tar_n, cap, base;	/* cap on base + tar_n, the expanded bytes of every layer */
	struct ring blob, tar;
	uint64_t in_n;		/* blob bytes the inflater took */
	bool abort, plain, plain_known, gzip;
	/* the first failure of a stage, reported over the writer's own */
	pthread_mutex_t mu;
	struct error err;
	bool failed;
	const char *name;
};

static void pipe_fail(struct pipe *p, int errnum, const char *fmt, const char *arg)
{
	pthread_mutex_lock(&p->mu);
	if (!p->failed) {
		p->failed = true;
		error_set(&p->err, errnum, fmt, p->name, arg);
	}
	__atomic_store_n(&p->abort, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&p->mu);
	ring_wake(&p->blob);
	ring_wake(&p->tar);
}

static void pipe_abort(struct pipe *p)
{
	__atomic_store_n(&p->abort, true, __ATOMIC_RELEASE);
	ring_wake(&p->blob);
	ring_wake(&p->tar);
}

static void *reader_main(void *arg)
{
	struct pipe *p = arg;
	uint64_t left = p->b->size;

	for (;;) {
		char *slot = ring_slot(&p->blob);
		ssize_t got;
		if (!slot)
			return NULL;
		if (p->b->data) {
			got = (ssize_t)(p->b->len - p->blob_n < CHUNK ? p->b->len - p->blob_n : CHUNK);
			memcpy(slot, p->b->data + p->blob_n, (size_t)got);
		} else if (p->outer) {
			got = archive_read_data(p->outer, slot, CHUNK);
			if (got < 0) {
				pipe_fail(p, EIO, "layer %s: reading the blob: %s", archive_error_string(p->outer));
				return NULL;
			}
		} else {
			size_t want = left < CHUNK ? (size_t)left : CHUNK;
			got = want ? pread(p->o->fd, slot, want, (off_t)((uint64_t)p->b->off + p->blob_n)) : 0;
			if (got < 0 || (got == 0 && want)) {
				pipe_fail(p, got < 0 ? errno : EIO, "layer %s: reading the blob: %s",
					  got < 0 ? strerror(errno) : "unexpected end of file");
				return NULL;
			}
			left -= (uint64_t)got;
		}
		if (got == 0) {
			ring_close(&p->blob);
			return NULL;
		}
		if (p->hash_blob)
			sha256_update(&p->blob_h, (size_t)got, (const uint8_t *)slot);
		p->blob_n += (uint64_t)got;
		ring_publish(&p->blob, (size_t)got);
	}
}

/* libarchive's read callback in the inflater: the next blob chunk. */
static la_ssize_t blob_read(struct archive *a, void *data, const void **buf)
{
	struct pipe *p = data;
	size_t len;
	int r = ring_next(&p->blob, 0, buf, &len);

	if (r < 0) {
		archive_set_error(a, ECANCELED, "aborted");
		return -1;
	}
	p->in_n += r ? len : 0;
	return r ? (la_ssize_t)len : 0;
}

/* Past the expanded-size cap (all layers so far): a decompression bomb, or an image larger than allowed. */
static bool over_cap(struct pipe *p)
{
	char what[160];

	if (!p->cap || p->base + p->tar_n <= p->cap)
		return false;
	snprintf(what, sizeof(what), "%llu bytes (from %llu compressed; cap %llu, --max-size)",
		 (unsigned long long)(p->base + p->tar_n), (unsigned long long)p->in_n,
		 (unsigned long long)p->cap);
	pipe_fail(p, EFBIG, "layer %s: expands past the cap: %s", what);
	return true;
}

/* The rest of the blob after the compressed stream: the reader hashes it, nothing reads it. */
static void drain_blob_and_close(struct pipe *p)
{
	const void *rest;
	size_t len;
	int r;

	while ((r = ring_next(&p->blob, 0, &rest, &len)) > 0)
		;
	if (r == 0)
		ring_close(&p->tar);
}


static void *inflater_main(void *arg)
{
	struct pipe *p = arg;
	struct archive *a;
	struct archive_entry *e;

	a = archive_read_new();
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_format_raw(a);
	if (archive_read_open(a, p, NULL, blob_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		if (!aborted(&p->abort))
			pipe_fail(p, EIO, "layer %s: %s", archive_error_string(a));
		goto out;
	}
	if (p->plain_known && (archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE) != p->plain) {
		pipe_fail(p, EINVAL, "layer %s: compression %s not recognised", archive_filter_name(a, 0));
		goto out;
	}
	for (;;) {
		char *slot = ring_slot(&p->tar);
		if (!slot)
			goto out;
		la_ssize_t got = archive_read_data(a, slot, CHUNK);
		if (got < 0) {
			if (!aborted(&p->abort))
				pipe_fail(p, EIO, "layer %s: decompressing: %s", archive_error_string(a));
			goto out;
		}
		if (got == 0)
			break;
		p->tar_n += (uint64_t)got;
		if (over_cap(p))
			goto out;
		ring_publish(&p->tar, (size_t)got);
	}
	drain_blob_and_close(p);
out:
	archive_read_free(a);
	return NULL;
}

static void *hasher_main(void *arg)
{
	struct pipe *p = arg;
	const void *buf;
	size_t len;

	while (ring_next(&p->tar, 1, &buf, &len) > 0)
		sha256_update(&p->tar_h, len, buf);
	return NULL;
}

/* libarchive's read callback in the writer. */
static la_ssize_t tar_read(struct archive *a, void *data, const void **buf)
{
	struct pipe *p = data;
	size_t len;
	int r = ring_next(&p->tar, 0, buf, &len);

	if (r < 0) {
		archive_set_error(a, ECANCELED, "aborted");
		return -1;
	}
	return r ? (la_ssize_t)len : 0;
}

/* Compressed by a filter we read (gzip, zstd, xz, bzip2): then the blob is hashed apart from the tar. */
static bool looks_compressed(const uint8_t *m, size_t n)
{
	return (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) || (n >= 4 && !memcmp(m, "\x28\xb5\x2f\xfd", 4)) ||
	       (n >= 6 && !memcmp(m, "\xfd" "7zXZ\0", 6)) || (n >= 3 && !memcmp(m, "BZh", 3));
}

/* Whether the blob is compressed, from its first bytes; false when they cannot be read ahead. */
static int peek_magic(struct image_outer *o, struct image_blob *b, struct pipe *p, struct error *err)
{
	uint8_t m[8];
	const uint8_t *head = m;
	ssize_t n;

	p->plain_known = b->data || b->off >= 0;
	if (b->data) {
		head = (const uint8_t *)b->data;
		n = (ssize_t)b->len;
	} else if (b->off >= 0) {
		n = pread(o->fd, m, sizeof(m), b->off);
		if (n < 0)
			return error_sys(err, "%s", o->file);
	} else {
		return 0;
	}
	p->plain = !looks_compressed(head, (size_t)n);
	p->gzip = n >= 2 && head[0] == 0x1f && head[1] == 0x8b;
	return 0;
}

static void hex_of(struct sha256_ctx *h, char out[7 + 65])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_digest(h, sizeof(d), d);
	image_sha256_hex(d, out);
}

static int start(pthread_t *t, void *(*fn)(void *), struct pipe *p, struct error *err)
{
	sigset_t all, old;
	int r;

	/* The stage threads take no signals: they stay with the caller's thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(t, NULL, fn, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r ? error_set(err, r, "starting a layer thread") : 0;
}

static int check_digests(struct pipe *p, const struct image_layer_ref *l, struct error *err)
{
	char blob[7 + 65], diff[7 + 65];

	if (l->size >= 0 && p->blob_n != (uint64_t)l->size)
		return error_set(err, 0, "layer %s: size mismatch (descriptor %lld, blob %llu)", p->name,
				 (long long)l->size, (unsigned long long)p->blob_n);
	hex_of(&p->tar_h, diff);
	if (l->digest) {
		if (p->hash_blob)
			hex_of(&p->blob_h, blob);
		else
			memcpy(blob, diff, sizeof(blob));
		if (strcmp(blob, l->digest) != 0)
			return error_set(err, 0, "layer %s: digest mismatch (got %s)", p->name, blob);
	}
	if (strcmp(diff, l->diff_id) != 0)
		return error_set(err, 0, "layer %s: diff_id mismatch (config says %s, got %s)", p->name,
				 l->diff_id, diff);
	return 0;
}

int image_stream_layer(struct image_outer *o, const struct image_layer_ref *l, const struct layer_target *t,
		       struct layer_limits *lim, struct error *err)
{
	struct image_blob *b = image_outer_find(o, l->path);
	struct pipe *p;
	pthread_t th[3];
	int n_th = 0, r;

	if (!b)
		return error_set(err, ENOENT, "layer %s: missing from the archive", l->digest ?: l->path);
	p = xzalloc(sizeof(*p));
	p->o = o;
	p->b = b;
	p->name = l->digest ?: l->path;
	pthread_mutex_init(&p->mu, NULL);
	ring_init(&p->blob, BLOB_SLOTS, 1, &p->abort);
	ring_init(&p->tar, TAR_SLOTS, 2, &p->abort);
	sha256_init(&p->blob_h);
	sha256_init(&p->tar_h);
	p->cap = lim->max_size;
	p->base = lim->expanded;
	if (!b->data && b->off < 0) {
		p->outer = image_outer_open(o, b, err);
		if (!p->outer) {
			r = -err->errnum;
			goto out;
		}
	}
	r = peek_magic(o, b, p, err);
	if (r < 0)
		goto out;
	/* A plain tar's blob digest is its diff_id: hash it once. Not known ahead: hash both. */
	p->hash_blob = l->digest && !(p->plain_known && p->plain);
	void *(*const stage[])(void *) = { reader_main, inflater_main, hasher_main };
	for (; r == 0 && n_th < 3; n_th++) {
		r = start(&th[n_th], stage[n_th], p, err);
		if (r < 0)
			break;
	}
	if (r < 0) {
		pipe_abort(p);
		goto join;
	}
	struct archive *tar = archive_read_new();
	archive_read_support_format_tar(tar);
	archive_read_support_format_gnutar(tar);
	if (archive_read_open(tar, p, NULL, tar_read, NULL) != ARCHIVE_OK)
		r = error_set(err, EIO, "layer %s: %s", p->name, archive_error_string(tar));
	if (r == 0)
		r = layer_apply(tar, t, lim, err);
	if (r == 0) {
		/* Let the hasher see the rest: tar padding after the end marker. */
		const void *buf;
		size_t len;
		int nr;
		while ((nr = ring_next(&p->tar, 0, &buf, &len)) > 0)
			;
		if (nr < 0)
			r = -EIO;
	} else {
		error_prefix(err, "layer %s", p->name);
	}
	if (r < 0)
		pipe_abort(p);
	archive_read_free(tar);
join:
	while (n_th > 0)
		pthread_join(th[--n_th], NULL);
	/* A stage's own failure explains the writer's (a bomb, a read error). */
	if (p->failed) {
		*err = p->err;
		r = -(err->errnum ? err->errnum : EIO);
	}
	if (r == 0)
		r = check_digests(p, l, err);
	if (r == 0)
		lim->expanded += p->tar_n;
out:
	if (p->outer)
		archive_read_free(p->outer);
	ring_destroy(&p->blob);
	ring_destroy(&p->tar);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return r;
}
