#include "runtime/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/json.h"
#include "runtime/util.h"

static int log_out = STDERR_FILENO;
static bool log_file;
static enum log_format log_fmt = LOG_FORMAT_TEXT;
static bool log_debug_on;

static const char *const level_names[] = {
	[LOG_ERROR] = "error", [LOG_WARN] = "warning", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

int log_init(const char *path, enum log_format format, bool debug)
{
	log_fmt = format;
	log_debug_on = debug;
	if (!path || !*path || strcmp(path, "/dev/stderr") == 0)
		return 0;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	if (fd < 0)
		return -errno;
	/* keep the log fd out of the low range that --preserve-fds hands to the container */
	int high = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	if (high >= 0) {
		close(fd);
		fd = high;
	}
	log_out = fd;
	log_file = true;
	return 0;
}

int log_fd(void)
{
	return log_out;
}

bool log_is_debug(void)
{
	return log_debug_on;
}

bool log_to_file(void)
{
	return log_file;
}

static void format_time(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[4096], when[64];
	cleanup_free char *line = NULL;
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	format_time(when, sizeof(when));

	if (log_fmt == LOG_FORMAT_JSON) {
		struct json_out *j = json_out_new(false);

		json_map_open(j);
		json_kv_string(j, "level", level_names[level]);
		json_kv_string(j, "msg", msg);
		json_kv_string(j, "time", when);
		json_map_close(j);
		char *doc = json_out_take(j);
		json_out_free(j);
		line = xasprintf("%s\n", doc);
		free(doc);
	} else {
		char quoted[sizeof(msg) * 2];
		size_t q = 0;

		/* logfmt, as logrus writes it: quotes and backslashes escaped */
		for (const char *p = msg; *p && q < sizeof(quoted) - 2; p++) {
			if (*p == '"' || *p == '\\')
				quoted[q++] = '\\';
			quoted[q++] = *p == '\n' ? ' ' : *p;
		}
		quoted[q] = '\0';
		line = xasprintf("time=\"%s\" level=%s msg=\"%s\"\n", when, level_names[level], quoted);
	}
	(void)write_all(log_out, line, strlen(line));
	errno = saved;
}
