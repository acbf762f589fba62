/* memhog MB: allocate and touch MB megabytes, one at a time, printing the count; for the OOM tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	long mb = argc > 1 ? atol(argv[1]) : 64;

	for (long i = 1; i <= mb; i++) {
		char *p = malloc(1 << 20);

		if (!p)
			return 2;
		memset(p, (int)i, 1 << 20);
		printf("%ld\n", i);
		fflush(stdout);
	}
	return 0;
}
