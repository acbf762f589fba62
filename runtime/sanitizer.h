/* Sanitizer builds only (ASan, UBSan): keep the reports of berth's cloned children. Empty otherwise. */
#ifndef BERTH_SANITIZER_H
#define BERTH_SANITIZER_H

/* Before a clone: open <log_path>.children-of.<pid> (log_path of ASAN_OPTIONS or UBSAN_OPTIONS),
 * while the path is still reachable. */
void sanitizer_prepare_child(void);
/* First thing in each child (the init, the exec stages): its reports go to that file, not to a path
 * that pivot_root or setns will hide. */
void sanitizer_child_reports(void);
/* BERTH_SANITIZER_SELFTEST=WHERE makes a use-after-free at WHERE ("init": after pivot_root and the
 * fd cleanup; "exec": before the execve of berth exec), so the test runner can see the report arrive. */
void sanitizer_selftest(const char *where);
/* That file's fd (close-on-exec), or -1: an init closing inherited fds keeps it. */
int sanitizer_report_fd(void);

#endif
