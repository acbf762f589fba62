#include "runtime/sync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/util.h"

#define SYNC_PAYLOAD_MAX (16u << 20)

struct sync_header {
	uint32_t type;
	int32_t value;
	uint32_t len;
};

int sync_send(int fd, enum sync_type type, int32_t value, const char *payload, size_t len, struct error *err)
{
	struct sync_header h = { .type = type, .value = value, .len = payload ? len : 0 };
	ssize_t n;

	n = write_all(fd, &h, sizeof(h));
	if (n >= 0 && h.len)
		n = write_all(fd, payload, h.len);
	if (n < 0)
		return error_set(err, -n, "sync: send message %u", type);
	return 0;
}

int sync_recv(int fd, struct sync_msg *msg, struct error *err)
{
	struct sync_header h;
	ssize_t n;

	memset(msg, 0, sizeof(*msg));
	n = read_all(fd, &h, sizeof(h));
	if (n < 0)
		return error_set(err, -n, "sync: receive");
	if (n == 0)
		return error_set(err, EPIPE, "container init exited during setup");
	if ((size_t)n < sizeof(h) || h.len > SYNC_PAYLOAD_MAX)
		return error_set(err, EPROTO, "sync: malformed message");
	msg->type = h.type;
	msg->value = h.value;
	msg->len = h.len;
	if (h.len) {
		msg->payload = xmalloc(h.len + 1);
		n = read_all(fd, msg->payload, h.len);
		if (n != (ssize_t)h.len) {
			sync_msg_release(msg);
			return error_set(err, EPROTO, "sync: truncated message");
		}
		msg->payload[h.len] = '\0';
	}
	return 0;
}

int sync_expect(int fd, enum sync_type type, struct sync_msg *msg, struct error *err)
{
	int r = sync_recv(fd, msg, err);

	if (r < 0)
		return r;
	if (msg->type == SYNC_ERROR) {
		err->errnum = msg->value;
		snprintf(err->msg, sizeof(err->msg), "%s", msg->payload ? msg->payload : "unknown error");
		sync_msg_release(msg);
		return err->errnum ? -err->errnum : -EINVAL;
	}
	if (msg->type != type) {
		sync_msg_release(msg);
		return error_set(err, EPROTO, "sync: expected message %u, got %u", type, msg->type);
	}
	return 0;
}

void sync_send_error(int fd, const struct error *err)
{
	struct error ignored;

	sync_send(fd, SYNC_ERROR, err->errnum, err->msg, strlen(err->msg), &ignored);
}

void sync_msg_release(struct sync_msg *msg)
{
	free(msg->payload);
	msg->payload = NULL;
}
