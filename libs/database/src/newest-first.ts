import type { PageRequest } from '@carve/core';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Every list in carve: newest first, one row more than the page (so toPage() knows whether
 * another page follows), continuing after the cursor's (time, id). The time column keeps
 * milliseconds (timestamptz(3)) so the cursor's JavaScript Date matches it exactly.
 */
export function newestFirst<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, page: PageRequest, alias: string, timeColumn = 'created_at'): SelectQueryBuilder<T> {
  query
    .orderBy(`${alias}.${timeColumn}`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(page.limit + 1);
  if (page.after) query.andWhere(`(${alias}.${timeColumn}, ${alias}.id) < (:pageAfterTime, :pageAfterId)`, { pageAfterTime: page.after.createdAt, pageAfterId: page.after.id });
  return query;
}
