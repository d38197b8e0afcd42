/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Query rows as structs of string pointers (see rows.h): the one loop
 * the page-facing reads share. Start reading at store_rows_read().
 */
#include <stdlib.h>
#include "core/util.h"
#include "reports/store/rows.h"
#include "reports/store/store.h"

int store_rows_point(const struct store_res *res, size_t rowsize, const size_t *offsets, int ncols,
		     void **rows, int *n)
{
	int nr = store_res_rows(res);
	char *v = calloc(nr > 0 ? (size_t)nr : 1, rowsize);

	*rows = NULL;
	*n = 0;
	if (!v)
		return error("out of memory reading %d rows", nr);
	for (int i = 0; i < nr; i++)
		for (int c = 0; c < ncols; c++)
			*(const char **)(void *)(v + (size_t)i * rowsize + offsets[c]) = store_res_get(res, i, c);
	*rows = v;
	*n = nr;
	return 0;
}

int store_rows_read(struct store *s, const char *sql, const struct store_args *a, size_t rowsize,
		    const size_t *offsets, int ncols, struct store_rows *out)
{
	int rc = -1;

	out->v = NULL;
	out->n = 0;
	out->res = NULL;
	if (store_query(s, sql, a, &out->res))
		goto out;
	if (store_rows_point(out->res, rowsize, offsets, ncols, &out->v, &out->n))
		goto out;
	rc = 0;
out:
	if (rc)
		store_rows_release(out);
	return rc;
}

int store_rows_one(int rc, struct store_rows *out)
{
	if (rc)
		return -1;
	if (out->n != 1) {
		store_rows_release(out);
		return 1;
	}
	return 0;
}

void store_rows_release(struct store_rows *out)
{
	free(out->v);
	store_res_free(out->res);
	out->v = NULL;
	out->n = 0;
	out->res = NULL;
}
