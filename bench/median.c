/*
 * Time two commands alternately with CLOCK_MONOTONIC and print their medians and ratio.
 *
 * usage: median RUNS NAME1 CMD1 [ARG...] --- NAME2 CMD2 [ARG...]
 * Each "{}" inside an argument is replaced by the run number (0..RUNS-1), so every run can use a
 * fresh container id. A run that fails stops the benchmark with exit status 1.
 * Built by bench/start.sh; fork+exec here costs both sides the same and far less than a shell.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct side {
	const char *name;
	char **argv;
	int argc;
	double *ms;
};

static char *subst(const char *arg, int run)
{
	char num[16], *out, *p;
	size_t n = 0;
	const char *s;

	snprintf(num, sizeof(num), "%d", run);
	for (s = arg; (s = strstr(s, "{}")); s += 2)
		n++;
	out = malloc(strlen(arg) + n * strlen(num) + 1);
	if (!out)
		abort();
	for (p = out; *arg;) {
		if (arg[0] == '{' && arg[1] == '}') {
			p = stpcpy(p, num);
			arg += 2;
		} else {
			*p++ = *arg++;
		}
	}
	*p = '\0';
	return out;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Run one side once; returns elapsed ms, exits on failure. */
static double run_once(const struct side *sd, int run)
{
	char **argv = calloc(sd->argc + 1, sizeof(*argv));
	double t0, t1;
	int i, status;
	pid_t pid;

	if (!argv)
		abort();
	for (i = 0; i < sd->argc; i++)
		argv[i] = subst(sd->argv[i], run);
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("median: fork");
		exit(1);
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "median: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("median: waitpid");
			exit(1);
		}
	}
	t1 = now_ms();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "median: %s run %d failed (%s %d):", sd->name, run,
			WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		for (i = 0; i < sd->argc; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
		exit(1);
	}
	for (i = 0; i < sd->argc; i++)
		free(argv[i]);
	free(argv);
	return t1 - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	struct side sides[2];
	int runs, i, sep = -1;
	double m[2];
	char *end;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "---") == 0)
			sep = i;
	runs = argc > 1 ? (int)strtol(argv[1], &end, 10) : 0;
	if (argc < 2 || *end || runs < 1 || sep < 0 || sep < 4 || argc - sep < 3) {
		fprintf(stderr, "usage: median RUNS NAME1 CMD1 [ARG...] --- NAME2 CMD2 [ARG...]\n");
		return 2;
	}
	sides[0] = (struct side){ argv[2], argv + 3, sep - 3, NULL };
	sides[1] = (struct side){ argv[sep + 1], argv + sep + 2, argc - sep - 2, NULL };
	for (i = 0; i < 2; i++) {
		sides[i].ms = calloc(runs, sizeof(double));
		if (!sides[i].ms)
			abort();
	}
	/* Alternate so drift in machine load hits both sides alike. */
	for (i = 0; i < runs; i++) {
		sides[0].ms[i] = run_once(&sides[0], i);
		sides[1].ms[i] = run_once(&sides[1], i);
	}
	for (i = 0; i < 2; i++) {
		m[i] = median(sides[i].ms, runs);
		printf("%-9s: median %.2f ms (%d runs)\n", sides[i].name, m[i], runs);
	}
	/* "berth run" -> "berth": the ratio line names the runtimes only, when they differ */
	size_t l0 = strcspn(sides[0].name, " "), l1 = strcspn(sides[1].name, " ");

	if (l0 != l1 || strncmp(sides[0].name, sides[1].name, l0))
		printf("ratio %.*s/%.*s: %.2f\n", (int)l0, sides[0].name, (int)l1, sides[1].name, m[0] / m[1]);
	else
		printf("%s adds %+.2f ms over %s\n", sides[1].name, m[1] - m[0], sides[0].name);
	return 0;
}
