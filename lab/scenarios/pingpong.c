/* SPDX-License-Identifier: GPL-2.0-only */
/* pingpong — bounce N event-channel notifications between two threads of dom0.
 *
 * Runs inside the lab's dom0 (see lab/).  It binds an interdomain
 * event-channel pair from dom0 to dom0:
 *     handle A: bind_unbound_port(remote 0)      -> port pA
 *     handle B: bind_interdomain(remote 0, pA)   -> port pB
 * A notification sent on pA arrives on pB and vice versa.  Xen sets a freshly
 * bound interdomain port pending (in case a notification was lost), so that
 * event is drained before the first ping; otherwise two tokens would circulate.
 *
 * Thread A (pinned to the first CPU) sends the pings, thread B (second CPU)
 * answers each ping with a pong.  Each port notifies the vCPU of the thread
 * waiting on it (its IRQ's affinity is set so), so every notification
 * crosses vCPUs; -s makes each port notify its sender's vCPU instead.  Each step is: notify, poll + read own fd,
 * write the port back to unmask.  N counts notifications in both directions,
 * so N=1000 is 500 round trips; an odd N ends with a ping nobody answers.
 *
 * Output: a JSON object (one key per line, the format lab/lab.sh merges
 * into manifest.json) written to the -o path, and a summary on stdout.
 * Exit status: 0 if every notification sent was received, 1 otherwise.
 * Times are CLOCK_MONOTONIC of the (emulated) dom0: not real latency.
 *
 * Between two domains (dom0 <-> domU) the two sides are two processes:
 *   in the domU:  pingpong -r -n N          responder: binds an unbound port
 *                 for dom0, prints "pingpong: responder port P", answers
 *                 each ping, prints "pingpong: responder done: received X sent Y"
 *   in dom0:      pingpong -R DOMID:P -n N  initiator: binds to it, drains the
 *                 pending event of the fresh binding, sends the pings, times
 *                 the round trips.  Its JSON has dom0_sent/dom0_received and
 *                 the ports; the peer's counts come from the responder's line
 *                 (lab/scenarios/pingpong-domu.sh puts them together).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_RDTSC 1
#endif

#include "evtchn_compat.h"

#define DOM0 0u

struct side {
    const char *name;
    hv_evtchn e;
    hv_port_t port;     /* local port: notifications for this side arrive here */
    int cpu;            /* CPU to pin to, -1 = none */
    int irq;            /* Linux IRQ of `port` (evtchn driver), -1 unknown */
    int notify_cpu;     /* vCPU `port` notifies (its IRQ's affinity), -1 unknown */
    uint64_t sent;      /* notifications sent from this side */
    uint64_t received;  /* notifications received on this side */
    uint64_t unexpected; /* events read for a port other than `port` */
    int timed_out;
    int error;
};

static struct side A = { .name = "A", .irq = -1, .notify_cpu = -1 },
                   B = { .name = "B", .irq = -1, .notify_cpu = -1 };
static int same_vcpu;               /* -s: a port notifies its sender's vCPU */
static uint64_t n_total = 1000;     /* notifications in both directions */
static int timeout_ms = 5000;       /* per wait */
static int first_timeout_ms = 5000; /* the responder's wait for the first ping */
static atomic_int stop;             /* set when A gives up */
static uint64_t *rtt;               /* round-trip times, ns */
static uint64_t n_rtt;
static pthread_barrier_t start_barrier;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t tsc(void)
{
#ifdef HAVE_RDTSC
    return __rdtsc();
#else
    return 0;
#endif
}

static void pin(int cpu)
{
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    int r = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    if (r)
        fprintf(stderr, "pingpong: pinning to CPU %d: %s\n", cpu, strerror(r));
}

/*
 * Which vCPU a port notifies.  Linux's evtchn driver gives each bound port
 * its own IRQ ("evtchn:<comm>" in /proc/interrupts) and spreads them over
 * the vCPUs round-robin: pinning the threads does not choose it.  Setting
 * the IRQ's affinity rebinds the port in Xen (EVTCHNOP_bind_vcpu), so the
 * port's notifications are set pending for, and kick, that vCPU.
 *
 * evtchn_irqs() lists the IRQs the driver has bound; the one that is new
 * after a bind is the new port's.
 */
#define MAX_EVTCHN_IRQS 256

static int evtchn_irqs(int *irqs, int max)
{
    FILE *f = fopen("/proc/interrupts", "r");
    char line[512];
    int n = 0;

    if (!f)
        return 0;
    while (n < max && fgets(line, sizeof line, f)) {
        int irq;
        if (strstr(line, "evtchn:") && sscanf(line, " %d:", &irq) == 1)
            irqs[n++] = irq;
    }
    fclose(f);
    return n;
}

/* The IRQ in `after` but not in `before`, or -1. */
static int new_irq(const int *before, int nb, const int *after, int na)
{
    for (int i = 0; i < na; i++) {
        int seen = 0;
        for (int j = 0; j < nb && !seen; j++)
            seen = after[i] == before[j];
        if (!seen)
            return after[i];
    }
    return -1;
}

/* Point s's port (IRQ s->irq) at vCPU cpu; s->notify_cpu says what holds. */
static void bind_port_vcpu(struct side *s, int cpu)
{
    char path[64];
    FILE *f;

    if (s->irq < 0 || cpu < 0) {
        fprintf(stderr, "pingpong: no IRQ found for port %u: it notifies whichever "
                "vCPU Linux chose\n", s->port);
        return;
    }
    snprintf(path, sizeof path, "/proc/irq/%d/smp_affinity_list", s->irq);
    f = fopen(path, "w");
    if (!f || fprintf(f, "%d\n", cpu) < 0 || fclose(f) != 0) {
        fprintf(stderr, "pingpong: binding port %u (irq %d) to vCPU %d: %s\n", s->port,
                s->irq, cpu, strerror(errno));
        return;
    }
    s->notify_cpu = cpu;
}

/* Wait up to `ms` for one event on side s; 0 = got it, 1 = timeout/stop, -1 = error.
 * The wait is sliced so a side can notice `stop`. */
static int wait_event(struct side *s, int ms, int watch_stop)
{
    struct pollfd pfd = { .fd = hv_fd(&s->e), .events = POLLIN };
    for (int left = ms; left > 0;) {
        int slice = watch_stop && left > 100 ? 100 : left;
        int r = poll(&pfd, 1, slice);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            perror("pingpong: poll");
            return -1;
        }
        if (r > 0) {
            hv_port_t p;
            if (hv_pending(&s->e, &p) < 0) {
                perror("pingpong: read pending port");
                return -1;
            }
            if (hv_unmask(&s->e, p) < 0) {
                perror("pingpong: unmask");
                return -1;
            }
            if (p != s->port) {
                s->unexpected++;
                continue;
            }
            s->received++;
            return 0;
        }
        left -= slice;
        if (watch_stop && atomic_load(&stop))
            return 1;
    }
    return 1;
}

/* Drain whatever is pending on side s within `ms`; returns the number of events. */
static int drain(struct side *s, int ms)
{
    struct pollfd pfd = { .fd = hv_fd(&s->e), .events = POLLIN };
    int n = 0;
    while (poll(&pfd, 1, ms) > 0) {
        hv_port_t p;
        if (hv_pending(&s->e, &p) < 0 || hv_unmask(&s->e, p) < 0)
            break;
        n++;
        ms = 0; /* after the first, take only what is already there */
    }
    return n;
}

static void *ping_thread(void *arg)
{
    (void)arg;
    pin(A.cpu);
    pthread_barrier_wait(&start_barrier);
    for (uint64_t i = 0; i < n_total; i += 2) {
        uint64_t t0 = now_ns();
        if (hv_notify(&A.e, A.port) < 0) {
            perror("pingpong: notify (ping)");
            A.error = 1;
            break;
        }
        A.sent++;
        if (i + 1 >= n_total)
            break; /* odd N: the last ping gets no pong */
        int r = wait_event(&A, timeout_ms, 0);
        if (r != 0) {
            if (r > 0) {
                A.timed_out = 1;
                fprintf(stderr, "pingpong: no pong for ping %" PRIu64 " within %d ms\n",
                        i / 2, timeout_ms);
            } else {
                A.error = 1;
            }
            break;
        }
        rtt[n_rtt++] = now_ns() - t0;
    }
    atomic_store(&stop, 1);
    return NULL;
}

static void *pong_thread(void *arg)
{
    (void)arg;
    pin(B.cpu);
    pthread_barrier_wait(&start_barrier);
    uint64_t pings = (n_total + 1) / 2;
    for (uint64_t j = 0; j < pings; j++) {
        /* A may still be sending after `stop` is set only if it failed, so a
         * timeout here after stop is the normal way out in that case. */
        int r = wait_event(&B, j == 0 ? first_timeout_ms : timeout_ms, 1);
        if (r != 0) {
            if (r > 0 && !atomic_load(&stop))
                B.timed_out = 1;
            if (r < 0)
                B.error = 1;
            break;
        }
        if (2 * j + 1 < n_total) {
            if (hv_notify(&B.e, B.port) < 0) {
                perror("pingpong: notify (pong)");
                B.error = 1;
                break;
            }
            B.sent++;
        }
    }
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t pct(const uint64_t *v, uint64_t n, double p)
{
    if (!n)
        return 0;
    uint64_t i = (uint64_t)(p / 100.0 * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

static void usage(void)
{
    fprintf(stderr,
            "usage: pingpong [-n NOTIFICATIONS] [-o JSON-FILE] [-t TIMEOUT-MS] [-c CPU-A,CPU-B] [-s]\n"
            "       pingpong -r [-n N] [-t MS] [-w FIRST-WAIT-MS]    (responder, in a domU)\n"
            "       pingpong -R DOMID:PORT [-n N] [-o JSON] [-t MS]  (initiator, in dom0)\n"
            "  -n  notifications in both directions (default 1000 = 500 round trips)\n"
            "  -o  write the result as JSON here (default: stdout only)\n"
            "  -t  give up when an event does not arrive within this many ms (default 5000)\n"
            "  -w  responder: wait this long for the first ping (default 600000)\n"
            "  -c  CPUs to pin the two threads to (default 0,1; 0,0 with one CPU)\n"
            "  -s  each port notifies its sender's vCPU (default: the receiver's, so\n"
            "      every notification crosses vCPUs)\n");
    exit(2);
}

/* The timing part of the manifest, common to both modes. */
static void fprint_timing(FILE *f, uint64_t sum, int timeout_ms, uint64_t ns,
                          uint64_t tsc_start, uint64_t tsc_end)
{
    fprintf(f, "  \"wait_timeout_ms\": %d,\n", timeout_ms);
    fprintf(f, "  \"round_trips\": %" PRIu64 ",\n", n_rtt);
    fprintf(f, "  \"rtt_clock\": \"CLOCK_MONOTONIC in dom0 (emulated time, not real latency)\",\n");
    fprintf(f, "  \"rtt_ns_min\": %" PRIu64 ",\n", n_rtt ? rtt[0] : 0);
    fprintf(f, "  \"rtt_ns_p50\": %" PRIu64 ",\n", pct(rtt, n_rtt, 50));
    fprintf(f, "  \"rtt_ns_p90\": %" PRIu64 ",\n", pct(rtt, n_rtt, 90));
    fprintf(f, "  \"rtt_ns_p99\": %" PRIu64 ",\n", pct(rtt, n_rtt, 99));
    fprintf(f, "  \"rtt_ns_max\": %" PRIu64 ",\n", n_rtt ? rtt[n_rtt - 1] : 0);
    fprintf(f, "  \"rtt_ns_mean\": %" PRIu64 ",\n", n_rtt ? sum / n_rtt : 0);
    fprintf(f, "  \"workload_ns\": %" PRIu64 ",\n", ns);
    fprintf(f, "  \"workload_tsc_start\": %" PRIu64 ",\n", tsc_start);
    fprintf(f, "  \"workload_tsc_end\": %" PRIu64 ",\n", tsc_end);
}

/* -r: the domU side.  One handle, one port, answers pings from dom0. */
static int responder(void)
{
    if (hv_open(&B.e) < 0) {
        perror("pingpong: open /dev/xen/evtchn");
        return 1;
    }
    if (hv_bind_unbound(&B.e, DOM0, &B.port) < 0) {
        perror("pingpong: bind_unbound_port");
        return 1;
    }
    printf("pingpong: responder port %u\n", B.port);
    fflush(stdout);
    B.cpu = -1;
    pthread_barrier_init(&start_barrier, NULL, 1);
    pong_thread(NULL);
    printf("pingpong: responder done: received %" PRIu64 " sent %" PRIu64 "%s%s\n", B.received,
           B.sent, B.timed_out ? " (timed out)" : "", B.error ? " (error)" : "");
    fflush(stdout);
    hv_unbind(&B.e, B.port);
    hv_close(&B.e);
    return B.timed_out || B.error;
}

/* -R DOMID:PORT: the dom0 side against a responder in another domain. */
static int initiator(unsigned peer_dom, hv_port_t peer_port, const char *out)
{
    if (hv_open(&A.e) < 0) {
        perror("pingpong: open /dev/xen/evtchn");
        return 1;
    }
    int before[MAX_EVTCHN_IRQS], after[MAX_EVTCHN_IRQS];
    int nb = evtchn_irqs(before, MAX_EVTCHN_IRQS);
    if (hv_bind_interdomain(&A.e, peer_dom, peer_port, &A.port) < 0) {
        perror("pingpong: bind_interdomain");
        return 1;
    }
    /* Xen marks our freshly bound port pending: drain it first. */
    int drained = drain(&A, 200);
    A.irq = new_irq(before, nb, after, evtchn_irqs(after, MAX_EVTCHN_IRQS));
    bind_port_vcpu(&A, A.cpu);      /* the pongs wake dom0 on the thread's vCPU */
    printf("pingpong: port %u bound to d%u port %u, drained %d pending event(s), cpu %d, "
           "notifies vCPU %d (irq %d), N=%" PRIu64 "\n",
           A.port, peer_dom, peer_port, drained, A.cpu, A.notify_cpu, A.irq, n_total);
    fflush(stdout);
    pthread_barrier_init(&start_barrier, NULL, 1);
    uint64_t t_start = now_ns(), tsc_start = tsc();
    ping_thread(NULL);
    uint64_t tsc_end = tsc(), t_end = now_ns();
    int stray = drain(&A, 50);
    hv_unbind(&A.e, A.port);
    hv_close(&A.e);

    qsort(rtt, n_rtt, sizeof *rtt, cmp_u64);
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n_rtt; i++)
        sum += rtt[i];
    uint64_t pings = (n_total + 1) / 2, pongs = n_total / 2;
    int ok = A.sent == pings && A.received == pongs && !A.timed_out && !A.error;
    printf("pingpong: dom0 sent %" PRIu64 " received %" PRIu64 ", stray %d, round trips %" PRIu64
           ", rtt p50 %" PRIu64 " ns p99 %" PRIu64 " ns (emulated time)%s\n",
           A.sent, A.received, stray, n_rtt, pct(rtt, n_rtt, 50), pct(rtt, n_rtt, 99),
           ok ? "" : "  ** FAILED **");
    if (out) {
        FILE *f = fopen(out, "w");
        if (!f) {
            perror("pingpong: open output");
            return 1;
        }
        fprintf(f, "{\n");
        fprintf(f, "  \"workload\": \"evtchn-pingpong-interdomain\",\n");
        fprintf(f, "  \"n\": %" PRIu64 ",\n", n_total);
        fprintf(f, "  \"dom0_sent\": %" PRIu64 ",\n", A.sent);
        fprintf(f, "  \"dom0_received\": %" PRIu64 ",\n", A.received);
        fprintf(f, "  \"senders\": [{\"dom\": 0, \"port\": %u}, {\"dom\": %u, \"port\": %u}],\n",
                A.port, peer_dom, peer_port);
        fprintf(f, "  \"receivers\": [{\"dom\": %u, \"port\": %u}, {\"dom\": 0, \"port\": %u}],\n",
                peer_dom, peer_port, A.port);
        fprintf(f, "  \"domids\": [0, %u],\n", peer_dom);
        fprintf(f, "  \"dom0_cpu\": %d,\n", A.cpu);
        fprintf(f, "  \"dom0_port_irq\": %d,\n", A.irq);
        fprintf(f, "  \"dom0_port_notify_vcpu\": %d,\n", A.notify_cpu);
        fprintf(f, "  \"drained_before_start\": %d,\n", drained);
        fprintf(f, "  \"stray_after_end\": %d,\n", stray);
        fprintf(f, "  \"unexpected_ports\": %" PRIu64 ",\n", A.unexpected);
        fprintf(f, "  \"timed_out\": %s,\n", A.timed_out ? "true" : "false");
        fprint_timing(f, sum, timeout_ms, t_end - t_start, tsc_start, tsc_end);
        fprintf(f, "  \"dom0_ok\": %s\n", ok ? "true" : "false");
        fprintf(f, "}\n");
        if (fclose(f) != 0) {
            perror("pingpong: write output");
            return 1;
        }
    }
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int mode_responder = 0;
    unsigned peer_dom = 0, peer_port = 0;
    int mode_initiator = 0;
    A.cpu = 0;
    B.cpu = ncpu > 1 ? 1 : 0;
    int opt;
    while ((opt = getopt(argc, argv, "n:o:t:c:rR:w:sh")) != -1) {
        switch (opt) {
        case 'n': n_total = strtoull(optarg, NULL, 0); break;
        case 'o': out = optarg; break;
        case 't': timeout_ms = atoi(optarg); break;
        case 'w': first_timeout_ms = atoi(optarg); break;
        case 'r': mode_responder = 1; break;
        case 's': same_vcpu = 1; break;
        case 'R':
            if (sscanf(optarg, "%u:%u", &peer_dom, &peer_port) != 2)
                usage();
            mode_initiator = 1;
            break;
        case 'c':
            if (sscanf(optarg, "%d,%d", &A.cpu, &B.cpu) != 2)
                usage();
            break;
        default: usage();
        }
    }
    if (n_total == 0 || timeout_ms <= 0 || (mode_responder && mode_initiator))
        usage();
    if (mode_responder) {
        if (first_timeout_ms == 5000)
            first_timeout_ms = 600000;
        return responder();
    }
    first_timeout_ms = timeout_ms;
    rtt = calloc(n_total / 2 + 1, sizeof *rtt);
    if (!rtt) {
        perror("pingpong: calloc");
        return 1;
    }
    if (mode_initiator)
        return initiator(peer_dom, peer_port, out);

    /* Bind the pair: A allocates an unbound port for dom0, B binds to it. */
    if (hv_open(&A.e) < 0 || hv_open(&B.e) < 0) {
        perror("pingpong: open /dev/xen/evtchn");
        return 1;
    }
    int irqs0[MAX_EVTCHN_IRQS], irqs1[MAX_EVTCHN_IRQS], irqs2[MAX_EVTCHN_IRQS];
    int n0 = evtchn_irqs(irqs0, MAX_EVTCHN_IRQS), n1, n2;
    if (hv_bind_unbound(&A.e, DOM0, &A.port) < 0) {
        perror("pingpong: bind_unbound_port");
        return 1;
    }
    n1 = evtchn_irqs(irqs1, MAX_EVTCHN_IRQS);
    if (hv_bind_interdomain(&B.e, DOM0, A.port, &B.port) < 0) {
        perror("pingpong: bind_interdomain");
        return 1;
    }
    n2 = evtchn_irqs(irqs2, MAX_EVTCHN_IRQS);
    A.irq = new_irq(irqs0, n0, irqs1, n1);
    B.irq = new_irq(irqs1, n1, irqs2, n2);
    /*
     * By default each port notifies the vCPU of the thread that waits on
     * it, so every notification crosses vCPUs: kick to a remote pCPU, the
     * receiver's wake-up there.  -s: each port notifies its sender's own
     * vCPU (the event then reaches the receiving thread through the guest
     * scheduler).
     */
    bind_port_vcpu(&A, same_vcpu ? B.cpu : A.cpu);
    bind_port_vcpu(&B, same_vcpu ? A.cpu : B.cpu);
    /* Xen marks B's new port pending: drain it (and anything else) first. */
    int drained_b = drain(&B, 200);
    int drained_a = drain(&A, 0);
    printf("pingpong: ports A=%u B=%u, drained %d+%d pending event(s), cpus %d,%d, "
           "ports notify vCPUs %d,%d (%s), N=%" PRIu64 "\n",
           A.port, B.port, drained_a, drained_b, A.cpu, B.cpu, A.notify_cpu, B.notify_cpu,
           same_vcpu ? "same vCPU as the sender" : "the receiver's vCPU", n_total);
    fflush(stdout);

    pthread_barrier_init(&start_barrier, NULL, 2);
    pthread_t ta, tb;
    uint64_t t_start = now_ns(), tsc_start = tsc();
    pthread_create(&tb, NULL, pong_thread, NULL);
    pthread_create(&ta, NULL, ping_thread, NULL);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    uint64_t tsc_end = tsc(), t_end = now_ns();

    /* Anything still arriving now is a stray token (should be none). */
    int stray = drain(&A, 50) + drain(&B, 0);

    hv_unbind(&B.e, B.port);
    hv_unbind(&A.e, A.port);
    hv_close(&B.e);
    hv_close(&A.e);

    uint64_t sent = A.sent + B.sent, received = A.received + B.received;
    qsort(rtt, n_rtt, sizeof *rtt, cmp_u64);
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n_rtt; i++)
        sum += rtt[i];
    int ok = sent == received && sent == n_total && !A.timed_out && !B.timed_out &&
             !A.error && !B.error;

    printf("pingpong: sent %" PRIu64 " received %" PRIu64 " (A->B %" PRIu64 "/%" PRIu64
           ", B->A %" PRIu64 "/%" PRIu64 "), stray %d, round trips %" PRIu64
           ", rtt p50 %" PRIu64 " ns p99 %" PRIu64 " ns (emulated time)%s\n",
           sent, received, A.sent, B.received, B.sent, A.received, stray, n_rtt,
           pct(rtt, n_rtt, 50), pct(rtt, n_rtt, 99), ok ? "" : "  ** FAILED **");

    FILE *f = out ? fopen(out, "w") : NULL;
    if (out && !f) {
        perror("pingpong: open output");
        return 1;
    }
    if (f) {
        /* One key per line: lab.sh merges these lines into manifest.json. */
        fprintf(f, "{\n");
        fprintf(f, "  \"workload\": \"evtchn-pingpong\",\n");
        fprintf(f, "  \"n\": %" PRIu64 ",\n", n_total);
        fprintf(f, "  \"sent\": %" PRIu64 ",\n", sent);
        fprintf(f, "  \"received\": %" PRIu64 ",\n", received);
        fprintf(f, "  \"senders\": [{\"dom\": 0, \"port\": %u}, {\"dom\": 0, \"port\": %u}],\n",
                A.port, B.port);
        fprintf(f, "  \"receivers\": [{\"dom\": 0, \"port\": %u}, {\"dom\": 0, \"port\": %u}],\n",
                B.port, A.port);
        fprintf(f,
                "  \"directions\": [{\"from\": {\"dom\": 0, \"port\": %u}, \"to\": {\"dom\": 0, "
                "\"port\": %u}, \"cpu_from\": %d, \"cpu_to\": %d, \"notify_vcpu\": %d, "
                "\"irq\": %d, \"sent\": %" PRIu64 ", \"received\": %" PRIu64 "}, "
                "{\"from\": {\"dom\": 0, \"port\": %u}, \"to\": {\"dom\": 0, \"port\": %u}, "
                "\"cpu_from\": %d, \"cpu_to\": %d, \"notify_vcpu\": %d, \"irq\": %d, "
                "\"sent\": %" PRIu64 ", \"received\": %" PRIu64 "}],\n",
                A.port, B.port, A.cpu, B.cpu, B.notify_cpu, B.irq, A.sent, B.received,
                B.port, A.port, B.cpu, A.cpu, A.notify_cpu, A.irq, B.sent, A.received);
        fprintf(f, "  \"port_vcpu\": \"%s\",\n", same_vcpu ? "same" : "cross");
        fprintf(f, "  \"domids\": [0],\n");
        fprintf(f, "  \"vcpus\": %ld,\n", ncpu);
        fprintf(f, "  \"cpus\": [%d, %d],\n", A.cpu, B.cpu);
        fprintf(f, "  \"drained_before_start\": %d,\n", drained_a + drained_b);
        fprintf(f, "  \"stray_after_end\": %d,\n", stray);
        fprintf(f, "  \"unexpected_ports\": %" PRIu64 ",\n", A.unexpected + B.unexpected);
        fprintf(f, "  \"timed_out\": %s,\n", (A.timed_out || B.timed_out) ? "true" : "false");
        fprint_timing(f, sum, timeout_ms, t_end - t_start, tsc_start, tsc_end);
        fprintf(f, "  \"ok\": %s\n", ok ? "true" : "false");
        fprintf(f, "}\n");
        if (fclose(f) != 0) {
            perror("pingpong: write output");
            return 1;
        }
    }
    return ok ? 0 : 1;
}
