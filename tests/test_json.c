/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_json.c - the one JSON writer: commas at every nesting level, strings
 * escaped (quotes, backslashes, control characters; UTF-8 passed through),
 * integers exact at the extremes, fixed-point numbers (null when not
 * finite), ns as us exactly, one object per line.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"

static void expect(const char *got, const char *want)
{
    if (strcmp(got, want))
        fprintf(stderr, "got  %s\nwant %s\n", got, want);
    CHECK(!strcmp(got, want));
}

int main(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct json j;

    json_init(&j, f);
    json_begin_object(&j);
    json_kv_str(&j, "s", "a\"b\\c\n\x01\x1f \xc3\xa9");
    json_kv_u64(&j, "max", UINT64_MAX);
    json_kv_i64(&j, "min", INT64_MIN);
    json_kv_i64(&j, "neg", -1);
    json_kv_bool(&j, "t", 1);
    json_key(&j, "n");
    json_null(&j);
    json_key(&j, "a");
    json_begin_array(&j);
    json_begin_object(&j);
    json_end_object(&j);
    json_begin_array(&j);
    json_u64(&j, 0);
    json_u64(&j, 10);
    json_end_array(&j);
    json_string(&j, "");
    json_fixed2(&j, -12.345);
    json_fixed2(&j, 0.0 / 0.0);
    json_sig3(&j, 0.000012345);
    json_milli(&j, 1234567);
    json_milli(&j, 5);
    json_milli(&j, UINT64_MAX);
    json_end_array(&j);
    json_key(&j, "o");
    json_begin_object(&j);
    json_kv_u64(&j, "x", 1);
    json_key(&j, "y");
    json_begin_object(&j);
    json_kv_bool(&j, "z", 0);
    json_end_object(&j);
    json_end_object(&j);
    json_end_object(&j);
    json_newline(&j);
    /* a second line starts afresh: no leading comma */
    json_begin_array(&j);
    json_end_array(&j);
    json_newline(&j);
    fclose(f);
    expect(buf, "{\"s\":\"a\\\"b\\\\c\\u000a\\u0001\\u001f \xc3\xa9\","
                "\"max\":18446744073709551615,\"min\":-9223372036854775808,"
                "\"neg\":-1,\"t\":true,\"n\":null,\"a\":[{},[0,10],\"\",-12.35,null,1.23e-05,1234.567,0.005,18446744073709551.615],"
                "\"o\":{\"x\":1,\"y\":{\"z\":false}}}\n[]\n");
    free(buf);
    return check_done();
}
