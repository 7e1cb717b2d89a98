// SPDX-License-Identifier: GPL-2.0
/*
 * runas - run a command as another uid/gid, for the VM tests.
 *
 *   runas UID[:GID] COMMAND [ARGS...]
 *
 * Drops every supplementary group, sets the gid (default: the uid) and the
 * uid, then executes COMMAND.  Run it as root; it needs no setuid bit.  Exits
 * 126 when the identity cannot be taken, 127 when COMMAND cannot run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int runas_parse_id(const char *s, char **end, unsigned long *id)
{
	errno = 0;
	*id = strtoul(s, end, 10);
	return (errno || *end == s || *id > 0xfffffffeUL) ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long uid, gid;
	char *end;

	if (argc < 3 || runas_parse_id(argv[1], &end, &uid)) {
		fprintf(stderr, "usage: runas UID[:GID] COMMAND [ARGS...]\n");
		return 2;
	}
	gid = uid;
	if (*end == ':') {
		if (runas_parse_id(end + 1, &end, &gid) || *end) {
			fprintf(stderr, "runas: bad gid in '%s'\n", argv[1]);
			return 2;
		}
	} else if (*end) {
		fprintf(stderr, "runas: bad uid '%s'\n", argv[1]);
		return 2;
	}
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid)) {
		fprintf(stderr, "runas: %s\n", strerror(errno));
		return 126;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "runas: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
