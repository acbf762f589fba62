/* The compiled-program cache: a header (magic, version, key, length, sha256 of the program) then
 * the program. Anything that does not check out is a miss, recompiled and rewritten. */
#include "seccomp/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/spec.h"
#include "runtime/util.h"
#include "seccomp/filter.h"

#define CACHE_MAGIC "BERTHBPF"
#define CACHE_VERSION 1
#define CACHE_MAX (4u << 20) /* a BPF program has at most 4096 instructions: 32 KiB */

struct cache_header {
	char magic[8];
	uint32_t version;
	uint32_t reserved;
	uint64_t len;
	uint8_t key[SHA256_DIGEST_SIZE];
	uint8_t checksum[SHA256_DIGEST_SIZE];
};

static void put_str(struct sha256_ctx *h, const char *s)
{
	uint64_t n = s ? strlen(s) : UINT64_MAX; /* NULL and "" differ */

	sha256_update(h, sizeof(n), (const uint8_t *)&n);
	if (s)
		sha256_update(h, strlen(s), (const uint8_t *)s);
}

static void put_u64(struct sha256_ctx *h, uint64_t v)
{
	sha256_update(h, sizeof(v), (const uint8_t *)&v);
}

static void put_strv(struct sha256_ctx *h, char *const *v)
{
	put_u64(h, strv_length(v));
	for (size_t i = 0; v && v[i]; i++)
		put_str(h, v[i]);
}

/* Every field that decides the BPF, each length-prefixed, in a fixed order. */
static void key_digest(const struct spec_seccomp *sc, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx h;

	sha256_init(&h);
	put_str(&h, "berth seccomp cache 2"); /* 2: the ENOSYS prefix */
	put_str(&h, seccomp_filter_build_id());
	put_u64(&h, sc->default_action);
	put_u64(&h, sc->default_errno_ret);
	put_strv(&h, sc->architectures);
	put_u64(&h, sc->n_rules);
	for (size_t i = 0; i < sc->n_rules; i++) {
		const struct spec_seccomp_rule *r = &sc->rules[i];

		put_strv(&h, r->names);
		put_u64(&h, r->action);
		put_u64(&h, r->errno_ret);
		put_u64(&h, r->n_args);
		for (size_t k = 0; k < r->n_args; k++) {
			put_u64(&h, r->args[k].index);
			put_u64(&h, r->args[k].value);
			put_u64(&h, r->args[k].value_two);
			put_u64(&h, r->args[k].op);
		}
	}
	sha256_digest(&h, SHA256_DIGEST_SIZE, out);
}

static void to_hex(const uint8_t *d, size_t n, char *hex)
{
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
}

void seccomp_cache_key(const struct spec_seccomp *sc, char hex[SECCOMP_CACHE_KEY_HEX])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	key_digest(sc, d);
	to_hex(d, sizeof(d), hex);
}

static void checksum(const void *bpf, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx h;

	sha256_init(&h);
	sha256_update(&h, len, bpf);
	sha256_digest(&h, SHA256_DIGEST_SIZE, out);
}

int seccomp_cache_read(const char *dir, const char *hex, void **bpf, size_t *len)
{
	cleanup_free char *path = xasprintf("%s/%s.bpf", dir, hex), *data = NULL;
	char key_hex[SECCOMP_CACHE_KEY_HEX];
	struct cache_header hd;
	uint8_t sum[SHA256_DIGEST_SIZE];
	size_t n;
	int r;

	r = read_file_at(AT_FDCWD, path, &data, &n, CACHE_MAX);
	if (r < 0)
		return r == -ENOENT ? -ENOENT : -EBADMSG;
	if (n < sizeof(hd))
		return -EBADMSG;
	memcpy(&hd, data, sizeof(hd));
	to_hex(hd.key, sizeof(hd.key), key_hex);
	if (memcmp(hd.magic, CACHE_MAGIC, sizeof(hd.magic)) != 0 || hd.version != CACHE_VERSION ||
	    strcmp(key_hex, hex) != 0 || hd.len != n - sizeof(hd) || hd.len % 8 != 0 || hd.len == 0)
		return -EBADMSG;
	checksum(data + sizeof(hd), hd.len, sum);
	if (memcmp(sum, hd.checksum, sizeof(sum)) != 0)
		return -EBADMSG;
	*bpf = xmalloc(hd.len);
	memcpy(*bpf, data + sizeof(hd), hd.len);
	*len = hd.len;
	return 0;
}

static int hex_to_key(const char *hex, uint8_t *key)
{
	for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		key[i] = v;
	}
	return 0;
}

int seccomp_cache_write(const char *dir, const char *hex, const void *bpf, size_t len, struct error *err)
{
	cleanup_free char *path = xasprintf("%s/%s.bpf", dir, hex);
	cleanup_free char *tmp = xasprintf("%s/.%s.%d.tmp", dir, hex, getpid());
	cleanup_close int fd = -1;
	struct cache_header hd = { .version = CACHE_VERSION, .len = len };

	memcpy(hd.magic, CACHE_MAGIC, sizeof(hd.magic));
	if (hex_to_key(hex, hd.key) < 0)
		return error_set(err, EINVAL, "seccomp cache: bad key %s", hex);
	checksum(bpf, len, hd.checksum);
	if (mkdir_p(dir, 0700) < 0)
		return error_sys(err, "seccomp cache %s", dir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return error_sys(err, "seccomp cache %s", tmp);
	if (write_all(fd, &hd, sizeof(hd)) < 0 || write_all(fd, bpf, len) < 0 || rename(tmp, path) < 0) {
		error_sys(err, "seccomp cache %s", path);
		unlink(tmp);
		return -err->errnum;
	}
	return 0;
}
