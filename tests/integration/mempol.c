/* Prints the calling process's NUMA memory policy (get_mempolicy(2)): "mode=N flags=0xF nodes=0xM"
 * with mode and the MPOL_F_* mode flags apart, nodes the first word of the mask. Static, no libnuma. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	unsigned long mask[1024 / (8 * sizeof(unsigned long))] = { 0 };
	int mode = -1;
	const int flags = (1 << 15) | (1 << 14) | (1 << 13); /* STATIC, RELATIVE, NUMA_BALANCING */

	if (syscall(SYS_get_mempolicy, &mode, mask, 1024 + 1, NULL, 0) < 0) {
		perror("get_mempolicy");
		return 1;
	}
	printf("mode=%d flags=%#x nodes=%#lx\n", mode & ~flags, mode & flags, mask[0]);
	return 0;
}
