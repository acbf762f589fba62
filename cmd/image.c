/* berth image: unpack an archive or a loaded image into a bundle; the image store (load, ls, rm). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/commands.h"
#include "rootfs/image.h"
#include "rootfs/image_store.h"
#include "runtime/json.h"
#include "runtime/util.h"

static const struct command unpack_cmd = {
	"image unpack", "FILE.tar|IMAGE BUNDLE", "unpack an image archive, or a loaded image, into a bundle",
	NULL,
};
static const struct command load_cmd = {
	"image load", "FILE.tar", "store an image archive: each layer unpacked once, shared between images",
	NULL,
};
static const struct command ls_cmd = { "image ls", "", "list the loaded images", NULL };
static const struct command rm_cmd = {
	"image rm", "NAME|ID...", "remove loaded images (refused while a container uses one)", NULL,
};

static int image_unpack_cmd(const struct global_opts *g, int argc, char **argv)
{
	struct image_unpack_opts o = { 0 };
	const char *max = NULL;
	const struct opt opts[] = {
		{ "ref", 0, OPT_STRING, &o.ref, "image to pick: OCI ref.name or docker REPO:TAG" },
		{ "max-size", 0, OPT_STRING, &max, "cap on the expanded layers: bytes, or K, M, G, T (default 64G; 0: none)" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct error err = { 0 };
	struct stat st;
	int i;

	if (cmd_parse(&unpack_cmd, opts, argc, argv, &i) < 0 ||
	    cmd_expect_args(&unpack_cmd, argc, argv, i, 2, 2) < 0)
		return 1;
	o.max_size = IMAGE_MAX_SIZE_DEFAULT;
	if (max && image_parse_size(max, &o.max_size) < 0)
		return cmd_fail("image unpack: --max-size %s: not a size (bytes, or with K, M, G, T)", max);
	o.archive = argv[i];
	o.bundle = argv[i + 1];
	if ((stat(o.archive, &st) < 0 || S_ISDIR(st.st_mode)) && !strchr(o.archive, '/') &&
	    !strstr(o.archive, ".tar")) {
		/* not a file: an image of the store */
		if (image_store_unpack(g->root, o.archive, o.bundle, NULL, &err) < 0)
			return cmd_fail("image unpack: %s", err.msg);
		return 0;
	}
	if (image_unpack(&o, &err) < 0)
		return cmd_fail("image unpack: %s", err.msg);
	return 0;
}

static char *names_text(char *const *names, const char *sep)
{
	char *s = xstrdup("");

	for (; names && *names; names++) {
		char *n = xasprintf("%s%s%s", s, *s ? sep : "", *names);
		free(s);
		s = n;
	}
	return s;
}

static int image_load_cmd(const struct global_opts *g, int argc, char **argv)
{
	const char *ref = NULL, *max = NULL;
	const struct opt opts[] = {
		{ "ref", 0, OPT_STRING, &ref, "image to pick: OCI ref.name or docker REPO:TAG" },
		{ "max-size", 0, OPT_STRING, &max, "cap on the expanded layers: bytes, or K, M, G, T (default 64G; 0: none)" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct error err = { 0 };
	struct image_store s;
	struct image_record rec;
	uint64_t max_size = IMAGE_MAX_SIZE_DEFAULT;
	bool existed = false;
	int i, r;

	if (cmd_parse(&load_cmd, opts, argc, argv, &i) < 0 ||
	    cmd_expect_args(&load_cmd, argc, argv, i, 1, 1) < 0)
		return 1;
	if (max && image_parse_size(max, &max_size) < 0)
		return cmd_fail("image load: --max-size %s: not a size (bytes, or with K, M, G, T)", max);
	r = image_store_open(g->root, &s, &err);
	if (r == 0)
		r = image_store_load(&s, argv[i], ref, max_size, &rec, &existed, &err);
	image_store_close(&s);
	if (r < 0)
		return cmd_fail("image load: %s", err.msg);
	cleanup_free char *names = names_text(rec.names, ", ");
	printf("%s %s%s%s\n", existed ? "Already loaded, nothing to do:" : "Loaded image", rec.id,
	       *names ? " " : "", names);
	image_record_free(&rec);
	return 0;
}

/* Sizes as docker prints them: decimal units, three significant digits. */
static void human_size(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1000 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, u ? "%.3g%s" : "%.0f%s", v, units[u]);
}

static void print_json(const struct image_record *list, size_t n)
{
	struct json_out *j = json_out_new(true);
	cleanup_free char *out = NULL;

	json_array_open(j);
	for (size_t k = 0; k < n; k++) {
		json_map_open(j);
		json_kv_string(j, "id", list[k].id);
		json_key(j, "names");
		json_array_open(j);
		for (char **nm = list[k].names; *nm; nm++)
			json_string(j, *nm);
		json_array_close(j);
		json_key(j, "layers");
		json_array_open(j);
		for (char **l = list[k].layers; *l; l++)
			json_string(j, *l);
		json_array_close(j);
		json_kv_int(j, "size", (long long)list[k].size);
		json_kv_string(j, "created", list[k].created);
		json_map_close(j);
	}
	json_array_close(j);
	out = json_out_take(j);
	json_out_free(j);
	printf("%s\n", out);
}

static int image_ls_cmd(const struct global_opts *g, int argc, char **argv)
{
	const char *format = "table";
	bool quiet = false;
	const struct opt opts[] = {
		{ "format", 'f', OPT_STRING, &format, "table or json" },
		{ "quiet", 'q', OPT_BOOL, &quiet, "print the image ids only" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct error err = { 0 };
	struct image_store s;
	struct image_record *list = NULL;
	size_t n = 0;
	int i, r;

	if (cmd_parse(&ls_cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(&ls_cmd, argc, argv, i, 0, 0) < 0)
		return 1;
	if (strcmp(format, "table") && strcmp(format, "json"))
		return cmd_fail("image ls: --format %s: expected table or json", format);
	r = image_store_open(g->root, &s, &err);
	if (r == 0)
		r = image_store_list(&s, &list, &n, &err);
	image_store_close(&s);
	if (r < 0)
		return cmd_fail("image ls: %s", err.msg);
	if (quiet) {
		for (size_t k = 0; k < n; k++)
			printf("%.12s\n", list[k].id + 7);
	} else if (strcmp(format, "json") == 0) {
		print_json(list, n);
	} else {
		printf("%-12s  %-30s  %-6s  %-8s  %s\n", "ID", "NAMES", "LAYERS", "SIZE", "CREATED");
		for (size_t k = 0; k < n; k++) {
			cleanup_free char *names = names_text(list[k].names, ",");
			char size[32];

			human_size(list[k].size, size, sizeof(size));
			printf("%.12s  %-30s  %-6zu  %-8s  %s\n", list[k].id + 7, *names ? names : "<none>",
			       strv_length(list[k].layers), size, list[k].created);
		}
	}
	image_store_list_free(list, n);
	return 0;
}

static int image_rm_cmd(const struct global_opts *g, int argc, char **argv)
{
	bool force = false;
	const struct opt opts[] = {
		{ "force", 'f', OPT_BOOL, &force, "remove even while containers use the image" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct error err = { 0 };
	struct image_store s;
	int i, status = 0;

	if (cmd_parse(&rm_cmd, opts, argc, argv, &i) < 0 ||
	    cmd_expect_args(&rm_cmd, argc, argv, i, 1, argc) < 0)
		return 1;
	if (image_store_open(g->root, &s, &err) < 0) {
		image_store_close(&s);
		return cmd_fail("image rm: %s", err.msg);
	}
	for (; i < argc; i++) {
		cleanup_free char *id = NULL;

		if (image_store_remove(&s, argv[i], force, &id, &err) < 0)
			status = cmd_fail("image rm: %s", err.msg);
		else
			printf("Deleted %s\n", id);
	}
	image_store_close(&s);
	return status;
}

int cmd_image(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_usage(cmd, (const struct opt[]){ { NULL, 0, 0, NULL, NULL } });
		printf("\nCOMMANDS:\n   load FILE.tar\n   ls [--format table|json] [-q]\n"
		       "   rm [--force] NAME|ID...\n   unpack FILE.tar|IMAGE BUNDLE\n");
		return argc < 2;
	}
	if (strcmp(argv[1], "unpack") == 0)
		return image_unpack_cmd(g, argc - 1, argv + 1);
	if (strcmp(argv[1], "load") == 0)
		return image_load_cmd(g, argc - 1, argv + 1);
	if (strcmp(argv[1], "ls") == 0 || strcmp(argv[1], "list") == 0)
		return image_ls_cmd(g, argc - 1, argv + 1);
	if (strcmp(argv[1], "rm") == 0)
		return image_rm_cmd(g, argc - 1, argv + 1);
	return cmd_fail("image: unknown subcommand %s (unpack, load, ls, rm)", argv[1]);
}
