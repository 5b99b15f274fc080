/* SPDX-License-Identifier: GPL-2.0-only */
/* diskread — read a block device raw with O_DIRECT for a while.
 *
 * Every read is one request to the (virtio) disk and so, in the lab, one
 * physical interrupt that Xen routes through do_IRQ to dom0 as a pirq event:
 * this drives the TRC_HW_IRQ path.  Reading only: the lab later tars its
 * outputs onto the same disk, which is fine.
 *
 * usage: diskread [-d DEVICE] [-s SECONDS] [-b BLOCK-BYTES] [-o JSON-FILE]
 * Output: JSON (one key per line, merged into manifest.json by lab.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *dev = "/dev/vda", *out = NULL;
    double seconds = 3;
    size_t bs = 4096;
    int opt;
    while ((opt = getopt(argc, argv, "d:s:b:o:h")) != -1) {
        switch (opt) {
        case 'd': dev = optarg; break;
        case 's': seconds = atof(optarg); break;
        case 'b': bs = (size_t)strtoul(optarg, NULL, 0); break;
        case 'o': out = optarg; break;
        default:
            fprintf(stderr, "usage: diskread [-d DEVICE] [-s SECONDS] [-b BLOCK-BYTES] [-o JSON]\n");
            return 2;
        }
    }
    if (bs == 0 || bs % 512) {
        fprintf(stderr, "diskread: block size must be a multiple of 512\n");
        return 2;
    }
    int fd = open(dev, O_RDONLY | O_DIRECT);
    if (fd < 0) {
        fprintf(stderr, "diskread: open %s: %s\n", dev, strerror(errno));
        return 1;
    }
    void *buf;
    if (posix_memalign(&buf, 4096, bs)) {
        fprintf(stderr, "diskread: out of memory\n");
        return 1;
    }
    uint64_t reads = 0, bytes = 0, wraps = 0, errors = 0;
    off_t off = 0;
    double t0 = now_s(), t = t0;
    while (t - t0 < seconds) {
        ssize_t r = pread(fd, buf, bs, off);
        if (r <= 0) {
            if (r < 0) {
                errors++;
                if (errors > 10) {
                    fprintf(stderr, "diskread: %s: %s\n", dev, strerror(errno));
                    break;
                }
            }
            off = 0; /* end of device: start again */
            wraps++;
        } else {
            reads++;
            bytes += (uint64_t)r;
            off += r;
        }
        t = now_s();
    }
    close(fd);
    double dt = t - t0;
    printf("diskread: %s: %" PRIu64 " reads of %zu bytes in %.2f s (emulated), %" PRIu64
           " wraps, %" PRIu64 " errors\n",
           dev, reads, bs, dt, wraps, errors);
    if (out) {
        FILE *f = fopen(out, "w");
        if (!f) {
            perror("diskread: open output");
            return 1;
        }
        fprintf(f, "{\n");
        fprintf(f, "  \"workload\": \"disk-read-odirect\",\n");
        fprintf(f, "  \"disk_device\": \"%s\",\n", dev);
        fprintf(f, "  \"disk_block_bytes\": %zu,\n", bs);
        fprintf(f, "  \"disk_reads\": %" PRIu64 ",\n", reads);
        fprintf(f, "  \"disk_bytes\": %" PRIu64 ",\n", bytes);
        fprintf(f, "  \"disk_errors\": %" PRIu64 ",\n", errors);
        fprintf(f, "  \"workload_ns\": %" PRIu64 "\n", (uint64_t)(dt * 1e9));
        fprintf(f, "}\n");
        fclose(f);
    }
    return errors > 10 ? 1 : 0;
}
