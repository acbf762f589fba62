/* The sanitizer runtime opens its log file by path at the first report, after the clone's pid and
 * mount namespaces may already hide it: a cloned child opens it early and hands over the fd. */
#include "runtime/sanitizer.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define BERTH_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BERTH_SANITIZED 1
#endif

#ifdef BERTH_SANITIZED
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void __sanitizer_set_report_fd(void *fd);

static int report_fd = -1;

/* log_path from ASAN_OPTIONS or UBSAN_OPTIONS; 0 when reports go to stderr anyway */
static size_t log_path(const char **out)
{
	const char *vars[] = { "ASAN_OPTIONS", "UBSAN_OPTIONS" };

	for (size_t i = 0; i < 2; i++) {
		const char *o = getenv(vars[i]), *p;

		if (!o || !(p = strstr(o, "log_path=")))
			continue;
		p += strlen("log_path=");
		*out = p;
		return strcspn(p, ": ");
	}
	return 0;
}

void sanitizer_prepare_child(void)
{
	char path[4096];
	const char *prefix;
	size_t n;

	if (report_fd >= 0 || (n = log_path(&prefix)) == 0 || strncmp(prefix, "stderr", n) == 0 ||
	    strncmp(prefix, "stdout", n) == 0)
		return;
	/* opened by the parent: a child in a new user namespace is unmapped and could not create it */
	snprintf(path, sizeof(path), "%.*s.children-of.%d", (int)n, prefix, getpid());
	report_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

void sanitizer_child_reports(void)
{
	/* in every child and grandchild: the runtime drops an fd set under another pid */
	if (report_fd >= 0)
		__sanitizer_set_report_fd((void *)(intptr_t)report_fd);
}

int sanitizer_report_fd(void)
{
	return report_fd;
}

void sanitizer_selftest(const char *where)
{
	const char *want = getenv("BERTH_SANITIZER_SELFTEST");
	volatile char *p;

	if (!want || strcmp(want, where) != 0)
		return;
	p = malloc(8);
	free((void *)p);
	p[0] = 1;
}
#else
void sanitizer_prepare_child(void)
{
}

void sanitizer_selftest(const char *where)
{
}

void sanitizer_child_reports(void)
{
}

int sanitizer_report_fd(void)
{
	return -1;
}
#endif
