/* Logging as runc does it: text or JSON lines ({"level","msg","time"}) to --log or stderr. */
#ifndef BERTH_LOG_H
#define BERTH_LOG_H

#include <stdbool.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };
enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

/* path NULL: stderr. Returns -errno if the log file cannot be opened. */
int log_init(const char *path, enum log_format format, bool debug);
/* The log fd, so a child can keep logging after fork (it stays open, O_CLOEXEC). */
int log_fd(void);
bool log_is_debug(void);
/* Whether errors should also be printed to stderr (true when logging to a file). */
bool log_to_file(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) do { if (log_is_debug()) log_msg(LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
