/* SPDX-License-Identifier: GPL-2.0-only */
/* evtchn_compat.h — the few event-channel calls the lab scenarios need.
 *
 * Two back ends with one interface:
 *   - libxenevtchn (default; linked statically so the lab image needs no
 *     extra shared libraries), or
 *   - raw ioctls on /dev/xen/evtchn (define HVPATH_RAW_EVTCHN), for build
 *     machines without libxenevtchn.a.
 *
 * Semantics (both back ends): a handle is one open of /dev/xen/evtchn.
 * Events for ports bound on a handle are read from that handle's fd; a port
 * read as pending stays masked until it is written back (unmask).
 */
#ifndef HVPATH_EVTCHN_COMPAT_H
#define HVPATH_EVTCHN_COMPAT_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

typedef uint32_t hv_port_t;

#ifndef HVPATH_RAW_EVTCHN

#include <xenevtchn.h>

typedef struct {
    xenevtchn_handle *h;
} hv_evtchn;

static inline int hv_open(hv_evtchn *e)
{
    e->h = xenevtchn_open(NULL, 0);
    return e->h ? 0 : -1;
}
static inline int hv_fd(hv_evtchn *e) { return xenevtchn_fd(e->h); }
static inline void hv_close(hv_evtchn *e) { xenevtchn_close(e->h); }
/* Allocate an unbound port that domain `remote` may bind to. */
static inline int hv_bind_unbound(hv_evtchn *e, uint32_t remote, hv_port_t *port)
{
    xenevtchn_port_or_error_t p = xenevtchn_bind_unbound_port(e->h, remote);
    if (p < 0)
        return -1;
    *port = (hv_port_t)p;
    return 0;
}
static inline int hv_bind_interdomain(hv_evtchn *e, uint32_t remote, hv_port_t rport,
                                      hv_port_t *port)
{
    xenevtchn_port_or_error_t p = xenevtchn_bind_interdomain(e->h, remote, rport);
    if (p < 0)
        return -1;
    *port = (hv_port_t)p;
    return 0;
}
static inline int hv_unbind(hv_evtchn *e, hv_port_t port) { return xenevtchn_unbind(e->h, port); }
static inline int hv_notify(hv_evtchn *e, hv_port_t port) { return xenevtchn_notify(e->h, port); }
/* Read one pending port (blocks if none; poll the fd first). */
static inline int hv_pending(hv_evtchn *e, hv_port_t *port)
{
    xenevtchn_port_or_error_t p = xenevtchn_pending(e->h);
    if (p < 0)
        return -1;
    *port = (hv_port_t)p;
    return 0;
}
static inline int hv_unmask(hv_evtchn *e, hv_port_t port) { return xenevtchn_unmask(e->h, port); }

#else /* HVPATH_RAW_EVTCHN */

typedef uint16_t domid_t; /* <xen/sys/evtchn.h> uses it without defining it */
#include <xen/sys/evtchn.h>

typedef struct {
    int fd;
} hv_evtchn;

static inline int hv_open(hv_evtchn *e)
{
    e->fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
    return e->fd < 0 ? -1 : 0;
}
static inline int hv_fd(hv_evtchn *e) { return e->fd; }
static inline void hv_close(hv_evtchn *e) { close(e->fd); }
static inline int hv_bind_unbound(hv_evtchn *e, uint32_t remote, hv_port_t *port)
{
    struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = remote };
    int r = ioctl(e->fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
    if (r < 0)
        return -1;
    *port = (hv_port_t)r;
    return 0;
}
static inline int hv_bind_interdomain(hv_evtchn *e, uint32_t remote, hv_port_t rport,
                                      hv_port_t *port)
{
    struct ioctl_evtchn_bind_interdomain b = { .remote_domain = remote, .remote_port = rport };
    int r = ioctl(e->fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
    if (r < 0)
        return -1;
    *port = (hv_port_t)r;
    return 0;
}
static inline int hv_unbind(hv_evtchn *e, hv_port_t port)
{
    struct ioctl_evtchn_unbind u = { .port = port };
    return ioctl(e->fd, IOCTL_EVTCHN_UNBIND, &u) < 0 ? -1 : 0;
}
static inline int hv_notify(hv_evtchn *e, hv_port_t port)
{
    struct ioctl_evtchn_notify n = { .port = port };
    return ioctl(e->fd, IOCTL_EVTCHN_NOTIFY, &n) < 0 ? -1 : 0;
}
static inline int hv_pending(hv_evtchn *e, hv_port_t *port)
{
    uint32_t p;
    if (read(e->fd, &p, sizeof p) != (ssize_t)sizeof p)
        return -1;
    *port = p;
    return 0;
}
static inline int hv_unmask(hv_evtchn *e, hv_port_t port)
{
    uint32_t p = port;
    return write(e->fd, &p, sizeof p) == (ssize_t)sizeof p ? 0 : -1;
}

#endif /* HVPATH_RAW_EVTCHN */

#endif
