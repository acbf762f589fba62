/* berth image: unpack an image tarball into a bundle; the image store (load, ls, rm) comes later. */
#include <string.h>

#include "cmd/commands.h"
#include "rootfs/image.h"
#include "runtime/util.h"

static const struct command unpack_cmd = {
	"image unpack", "FILE.tar BUNDLE", "unpack an OCI or docker image archive into a bundle", NULL,
};

static int image_unpack_cmd(int argc, char **argv)
{
	struct image_unpack_opts o = { 0 };
	const char *max = NULL;
	const struct opt opts[] = {
		{ "ref", 0, OPT_STRING, &o.ref, "image to pick: OCI ref.name or docker REPO:TAG" },
		{ "max-size", 0, OPT_STRING, &max, "cap on the unpacked size in bytes (default: none)" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct error err = { 0 };
	int i;

	if (cmd_parse(&unpack_cmd, opts, argc, argv, &i) < 0 ||
	    cmd_expect_args(&unpack_cmd, argc, argv, i, 2, 2) < 0)
		return 1;
	if (max && parse_u64(max, &o.max_size) < 0)
		return cmd_fail("image unpack: --max-size %s: not a number of bytes", max);
	o.archive = argv[i];
	o.bundle = argv[i + 1];
	if (image_unpack(&o, &err) < 0)
		return cmd_fail("image unpack: %s", err.msg);
	return 0;
}

int cmd_image(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	(void)g;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_usage(cmd, (const struct opt[]){ { NULL, 0, 0, NULL, NULL } });
		return argc < 2;
	}
	if (strcmp(argv[1], "unpack") == 0)
		return image_unpack_cmd(argc - 1, argv + 1);
	if (strcmp(argv[1], "load") == 0 || strcmp(argv[1], "ls") == 0 || strcmp(argv[1], "rm") == 0)
		return cmd_fail("not supported yet: berth image %s", argv[1]);
	return cmd_fail("image: unknown subcommand %s (unpack, load, ls, rm)", argv[1]);
}
