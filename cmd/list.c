#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "runtime/container.h"
#include "runtime/json.h"
#include "runtime/util.h"

static const char *owner_name(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		return pw->pw_name;
	snprintf(buf, len, "#%u", uid);
	return buf;
}

static void print_json(const struct container_info *list, size_t n)
{
	struct json_out *j = json_out_new(false);
	char buf[32];

	json_array_open(j);
	for (size_t i = 0; i < n; i++) {
		const struct state *st = &list[i].state;
		bool alive = list[i].status != STATUS_STOPPED;

		json_map_open(j);
		json_kv_string(j, "ociVersion", BERTH_OCI_VERSION);
		json_kv_string(j, "id", st->id);
		json_kv_int(j, "pid", alive ? st->pid : 0);
		json_kv_string(j, "status", state_status_name(list[i].status));
		json_kv_string(j, "bundle", st->bundle);
		json_kv_string(j, "rootfs", st->rootfs);
		json_kv_string(j, "created", st->created);
		json_kv_string(j, "owner", owner_name(st->owner, buf, sizeof(buf)));
		json_map_close(j);
	}
	json_array_close(j);
	cleanup_free char *doc = json_out_take(j);
	json_out_free(j);
	printf("%s\n", doc);
}

static void print_table(const struct container_info *list, size_t n)
{
	int w_id = 2, w_bundle = 6;
	char buf[32];

	for (size_t i = 0; i < n; i++) {
		if ((int)strlen(list[i].state.id) > w_id)
			w_id = strlen(list[i].state.id);
		if ((int)strlen(list[i].state.bundle) > w_bundle)
			w_bundle = strlen(list[i].state.bundle);
	}
	printf("%-*s   %-8s   %-10s   %-*s   %-30s   %s\n", w_id, "ID", "PID", "STATUS", w_bundle, "BUNDLE",
	       "CREATED", "OWNER");
	for (size_t i = 0; i < n; i++) {
		const struct state *st = &list[i].state;

		printf("%-*s   %-8d   %-10s   %-*s   %-30s   %s\n", w_id, st->id,
		       list[i].status == STATUS_STOPPED ? 0 : st->pid, state_status_name(list[i].status), w_bundle,
		       st->bundle, st->created, owner_name(st->owner, buf, sizeof(buf)));
	}
}

int cmd_list(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	const char *format = "table";
	bool quiet = false;
	const struct opt opts[] = {
		{ "format", 'f', OPT_STRING, &format, "table or json" },
		{ "quiet", 'q', OPT_BOOL, &quiet, "print only the container ids" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct container_info *list;
	struct error err = { 0 };
	size_t n;
	int i;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 0, 0) < 0)
		return 1;
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return cmd_fail("list: --format: unknown format \"%s\" (table or json)", format);
	if (container_list(g->root, &list, &n, &err) < 0)
		return cmd_fail("%s", err.msg);
	if (quiet)
		for (size_t k = 0; k < n; k++)
			printf("%s\n", list[k].state.id);
	else if (strcmp(format, "json") == 0)
		print_json(list, n);
	else
		print_table(list, n);
	container_list_free(list, n);
	return 0;
}
