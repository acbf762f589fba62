/* linux.seccomp.listenerPath: the init hands the notify fd and the container state to the agent. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "runtime/terminal.h"
#include "runtime/util.h"
#include "seccomp/seccomp.h"

/* A JSON string literal for s (NULL: ""). */
static char *json_quote(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char *out = xmalloc(6 * n + 3), *o = out;

	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = c;
		} else if (c < 0x20) {
			o += sprintf(o, "\\u%04x", c);
		} else {
			*o++ = c;
		}
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

char *seccomp_listener_payload(const char *oci_version, const char *metadata, const char *state_json)
{
	cleanup_free char *ver = json_quote(oci_version), *meta = json_quote(metadata);
	yajl_val tree = state_json ? yajl_tree_parse(state_json, NULL, 0) : NULL;
	const char *pid_path[] = { "pid", NULL };
	yajl_val pid = tree ? yajl_tree_get(tree, pid_path, yajl_t_number) : NULL;
	long long p = pid && YAJL_IS_INTEGER(pid) ? YAJL_GET_INTEGER(pid) : 0;
	char *out;

	yajl_tree_free(tree);
	out = xasprintf("{\"ociVersion\":%s,\"fds\":[\"seccompFd\"],\"pid\":%lld,\"metadata\":%s,"
			"\"state\":%s}", ver, p, meta, state_json && *state_json ? state_json : "{}");
	return out;
}

int seccomp_listener_connect(const char *path, struct error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return error_set(err, ENAMETOOLONG, "linux.seccomp.listenerPath %s", path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error_sys(err, "linux.seccomp.listenerPath: socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		error_sys(err, "linux.seccomp.listenerPath: connect %s", path);
		close(fd);
		return -err->errnum;
	}
	return fd;
}

int seccomp_send_listener(int sock, int notify_fd, const char *state_json, struct error *err)
{
	int r = terminal_send_fd(sock, notify_fd, state_json, err);

	return r < 0 ? error_prefix(err, "linux.seccomp.listenerPath") : 0;
}
