/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * json.c - the streaming JSON writer (json.h).
 */
#define _GNU_SOURCE
#include "json.h"

#include <math.h>
#include <string.h>

void json_init(struct json *j, FILE *out)
{
    memset(j, 0, sizeof(*j));
    j->out = out;
}

/* What goes before a value or a key at the current level. */
static inline void sep(struct json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->has_value[j->depth])
        putc_unlocked(',', j->out);
    j->has_value[j->depth] = 1;
}

static void begin(struct json *j, int c)
{
    sep(j);
    putc_unlocked(c, j->out);
    if (j->depth + 1 < JSON_MAX_DEPTH)
        j->depth++;
    j->has_value[j->depth] = 0;
}

static void end(struct json *j, int c)
{
    putc_unlocked(c, j->out);
    if (j->depth)
        j->depth--;
}

void json_begin_object(struct json *j)
{
    begin(j, '{');
}

void json_end_object(struct json *j)
{
    end(j, '}');
}

void json_begin_array(struct json *j)
{
    begin(j, '[');
}

void json_end_array(struct json *j)
{
    end(j, ']');
}

static void put_string(FILE *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";

    putc_unlocked('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            putc_unlocked('\\', out);
            putc_unlocked(c, out);
        } else if (c < 0x20) {
            fputs_unlocked("\\u00", out);
            putc_unlocked(hex[c >> 4], out);
            putc_unlocked(hex[c & 15], out);
        } else {
            putc_unlocked(c, out);
        }
    }
    putc_unlocked('"', out);
}

void json_key(struct json *j, const char *key)
{
    sep(j);
    put_string(j->out, key);
    putc_unlocked(':', j->out);
    j->after_key = 1;
}

void json_string(struct json *j, const char *s)
{
    sep(j);
    put_string(j->out, s);
}

static void put_u64(FILE *out, uint64_t v)
{
    char buf[24], *p = buf + sizeof(buf);

    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    fwrite_unlocked(p, 1, (size_t)(buf + sizeof(buf) - p), out);
}

void json_u64(struct json *j, uint64_t v)
{
    sep(j);
    put_u64(j->out, v);
}

/* v in printf format fmt, or null when it is not finite */
static void put_double(struct json *j, double v, const char *fmt)
{
    sep(j);
    if (isfinite(v))
        fprintf(j->out, fmt, v);
    else
        fputs("null", j->out);
}

void json_fixed2(struct json *j, double v)
{
    put_double(j, v, "%.2f");
}

void json_sig3(struct json *j, double v)
{
    put_double(j, v, "%.3g");
}

void json_milli(struct json *j, uint64_t v)
{
    char frac[4] = { (char)('0' + v / 100 % 10), (char)('0' + v / 10 % 10),
                     (char)('0' + v % 10), 0 };

    sep(j);
    put_u64(j->out, v / 1000);
    putc_unlocked('.', j->out);
    fputs(frac, j->out);
}

void json_i64(struct json *j, int64_t v)
{
    sep(j);
    if (v < 0) {
        putc_unlocked('-', j->out);
        put_u64(j->out, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(j->out, (uint64_t)v);
    }
}

void json_bool(struct json *j, int v)
{
    sep(j);
    fputs_unlocked(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
    sep(j);
    fputs_unlocked("null", j->out);
}

void json_newline(struct json *j)
{
    putc_unlocked('\n', j->out);
    j->depth = 0;
    j->after_key = 0;
    j->has_value[0] = 0;
}

void json_kv_str(struct json *j, const char *key, const char *s)
{
    json_key(j, key);
    json_string(j, s);
}

void json_kv_u64(struct json *j, const char *key, uint64_t v)
{
    json_key(j, key);
    json_u64(j, v);
}

void json_kv_i64(struct json *j, const char *key, int64_t v)
{
    json_key(j, key);
    json_i64(j, v);
}

void json_kv_bool(struct json *j, const char *key, int v)
{
    json_key(j, key);
    json_bool(j, v);
}
