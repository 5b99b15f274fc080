/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * json.h - the one JSON writer of every hvpath output: streaming, compact
 * (no spaces), commas placed by nesting level, strings escaped in one place
 * (json_string), integers written exactly (uint64 TSCs included).
 *
 *     struct json j;
 *     json_init(&j, stdout);
 *     json_begin_object(&j);
 *     json_kv_str(&j, "file", path);
 *     json_key(&j, "cpus");
 *     json_begin_array(&j); json_u64(&j, 0); json_u64(&j, 1); json_end_array(&j);
 *     json_end_object(&j);
 *     json_newline(&j);           {"file":"t.xt","cpus":[0,1]}
 *
 * Why not a library: docs/architecture.md ("One JSON writer").
 */
#ifndef HVPATH_JSON_H
#define HVPATH_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
    FILE *out;
    unsigned depth;
    uint8_t after_key;                  /* a key was written, its value is next */
    uint8_t has_value[JSON_MAX_DEPTH];  /* this level holds a value: comma next */
};

void json_init(struct json *j, FILE *out);

void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);

/* A member's key; its value follows (a scalar or a begin_*). */
void json_key(struct json *j, const char *key);

void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
/* A finite number with two decimals (a percentage, say); null if not finite. */
void json_fixed2(struct json *j, double v);
/* A finite number to three significant digits (a p-value); null if not finite. */
void json_sig3(struct json *j, double v);
/* v / 1000 exactly, three decimals: ns written as us. */
void json_milli(struct json *j, uint64_t v);

/* Ends a top-level value with a newline (one object per line: JSON lines). */
void json_newline(struct json *j);

/* key and value in one call */
void json_kv_str(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_i64(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, int v);

#endif /* HVPATH_JSON_H */
