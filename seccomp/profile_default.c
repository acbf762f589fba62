/* The profile `berth spec` writes: deny with EPERM, allow what ordinary programs use. Written to
 * have the effect of moby's default for a container without extra capabilities: no mount, unshare,
 * setns, keyctl, bpf, kexec, module loading, open_by_handle_at, ptrace, new namespaces via clone. */
#include <stddef.h>

#include "runtime/json.h"
#include "seccomp/seccomp.h"

static const char *const allowed[] = {
	"accept", "accept4", "access", "adjtimex", "alarm", "arch_prctl", "bind", "brk", "cachestat",
	"capget", "capset", "chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64",
	"clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
	"clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat", "dup",
	"dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
	"epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat", "exit",
	"exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate", "fanotify_mark",
	"fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl", "fcntl64",
	"fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat",
	"fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex",
	"futex_requeue", "futex_time64", "futex_wait", "futex_waitv", "futex_wake", "futimesat", "getcpu",
	"getcwd", "getdents", "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid",
	"getgid32", "getgroups", "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid",
	"getppid", "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32",
	"getrlimit", "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt",
	"get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "inotify_add_watch",
	"inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy",
	"io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup",
	"io_submit", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self",
	"lchown", "lchown32", "lgetxattr", "link", "linkat", "listen", "listxattr", "llistxattr", "_llseek",
	"lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack",
	"membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat",
	"mlock", "mlock2", "mlockall", "mmap", "mmap2", "modify_ldt", "mprotect", "mq_getsetattr",
	"mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend",
	"mq_timedsend_time64", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync",
	"munlock", "munlockall", "munmap", "nanosleep", "newfstatat", "_newselect", "open", "openat",
	"openat2", "pause", "pidfd_getfd", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc",
	"pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv",
	"preadv2", "prlimit64", "process_mrelease", "process_vm_readv", "process_vm_writev", "pselect6",
	"pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink", "readlinkat",
	"readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages",
	"removexattr", "rename", "renameat", "renameat2", "restart_syscall", "rmdir", "rseq",
	"rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn",
	"rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo",
	"sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max",
	"sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
	"sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam",
	"sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget", "semop", "semtimedop",
	"semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid",
	"setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32",
	"setitimer", "setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32",
	"setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit", "set_robust_list", "setsid",
	"setsockopt", "set_thread_area", "set_tid_address", "setuid", "setuid32", "setxattr", "shmat",
	"shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4", "sigprocmask",
	"sigreturn", "socket", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs", "statfs64",
	"statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill",
	"time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime", "timer_gettime64",
	"timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime", "timerfd_gettime64",
	"timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate", "truncate64", "ugetrlimit",
	"umask", "uname", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes", "vfork",
	"vmsplice", "wait4", "waitid", "waitpid", "write", "writev",
};

/* PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and the query value 0xffffffff */
static const long long personalities[] = { 0, 8, 131072, 131080, 4294967295LL };

/* CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET: clone may create none of them */
#define CLONE_NS_MASK 2114060288LL

static void rule_start(struct json_out *j, const char *name, const char *action)
{
	json_map_open(j);
	json_key(j, "names");
	json_array_open(j);
	json_string(j, name);
	json_array_close(j);
	json_kv_string(j, "action", action);
}

static void one_arg(struct json_out *j, long long value, long long value_two, const char *op)
{
	json_key(j, "args");
	json_array_open(j);
	json_map_open(j);
	json_kv_int(j, "index", 0);
	json_kv_int(j, "value", value);
	json_kv_int(j, "valueTwo", value_two);
	json_kv_string(j, "op", op);
	json_map_close(j);
	json_array_close(j);
}

void seccomp_default_profile_json(struct json_out *j)
{
	json_map_open(j);
	json_kv_string(j, "defaultAction", "SCMP_ACT_ERRNO");
	json_kv_int(j, "defaultErrnoRet", 1);
	json_key(j, "architectures");
	json_array_open(j);
	json_string(j, "SCMP_ARCH_X86_64");
	json_string(j, "SCMP_ARCH_X86");
	json_string(j, "SCMP_ARCH_X32");
	json_array_close(j);
	json_key(j, "syscalls");
	json_array_open(j);

	json_map_open(j);
	json_key(j, "names");
	json_array_open(j);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		json_string(j, allowed[i]);
	json_array_close(j);
	json_kv_string(j, "action", "SCMP_ACT_ALLOW");
	json_map_close(j);

	for (size_t i = 0; i < sizeof(personalities) / sizeof(personalities[0]); i++) {
		rule_start(j, "personality", "SCMP_ACT_ALLOW");
		one_arg(j, personalities[i], 0, "SCMP_CMP_EQ");
		json_map_close(j);
	}
	rule_start(j, "clone", "SCMP_ACT_ALLOW");
	one_arg(j, CLONE_NS_MASK, 0, "SCMP_CMP_MASKED_EQ");
	json_map_close(j);
	/* ENOSYS, not EPERM: libc then falls back to clone, whose flags the filter can see */
	rule_start(j, "clone3", "SCMP_ACT_ERRNO");
	json_kv_int(j, "errnoRet", 38);
	json_map_close(j);

	json_array_close(j);
	json_map_close(j);
}
