/* memhold MB: allocate and touch MB megabytes, print "held", then keep them until killed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long mb = argc > 1 ? atol(argv[1]) : 40;

	for (long i = 0; i < mb; i++) {
		char *p = malloc(1 << 20);

		if (!p)
			return 2;
		memset(p, (int)i + 1, 1 << 20);
	}
	printf("held\n");
	fflush(stdout);
	for (;;)
		pause();
}
