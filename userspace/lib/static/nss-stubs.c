// SPDX-License-Identifier: GPL-2.0
/*
 * nss-stubs.c - linked into the static holt binaries only.
 *
 * libnl-3.a refers to getaddrinfo() and getprotoby*() (address and protocol
 * pretty-printers holt never calls).  In a static glibc program those need
 * glibc's NSS modules at run time, and the linker warns about it.  These
 * definitions take their place, so that the static link is warning-free and
 * nothing can try to load NSS modules inside the VM's initramfs.
 */
#include <errno.h>
#include <netdb.h>
#include <stddef.h>

int getaddrinfo(const char *node, const char *service,
		const struct addrinfo *hints, struct addrinfo **res)
{
	*res = NULL;
	errno = ENOSYS;
	return EAI_SYSTEM;
}

struct protoent *getprotobyname(const char *name)
{
	return NULL;
}

struct protoent *getprotobynumber(int proto)
{
	return NULL;
}
