/* keyring: print the serial and description of this process's session keyring (0 and "-" if none).
 * Built static for test rootfs; compares the container's session keyring with the caller's. */
#include <linux/keyctl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	char desc[512] = "-";
	long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	long n;

	if (id < 0)
		id = 0;
	if (id > 0) {
		n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, id, desc, sizeof(desc) - 1);
		if (n < 0 || n >= (long)sizeof(desc))
			n = 0;
		desc[n] = '\0';
	}
	printf("%ld %s\n", id, desc);
	return 0;
}
