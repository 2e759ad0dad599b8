/**
 * State of an admin list: page, page size, the search box (debounced 300 ms before it becomes
 * the `q` sent) and the list's filters. Changing the search or a filter goes back to page 1.
 */
import { useMemo, useState } from 'react';
import { useDebouncedValue } from '@mantine/hooks';

/** Search debounce, ms. */
export const SEARCH_DEBOUNCE_MS = 300;
/** Rows per page. */
export const PER_PAGE = 25;

/** A list's state and setters. */
export interface ListState<F extends object> {
  page: number;
  setPage: (page: number) => void;
  search: string;
  setSearch: (q: string) => void;
  filters: F;
  setFilter: <K extends keyof F>(key: K, value: F[K]) => void;
  /** `{ page, per_page, q?, ...filters }` without empty values: the query and its cache key. */
  params: { page: number; per_page: number; q?: string } & Partial<F>;
}

/** Drops `undefined`, `null` and `''` so they are neither sent nor part of the cache key. */
export function compactParams<T extends object>(params: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') (out as Record<string, unknown>)[k] = v;
  return out;
}

/** The list state hook. */
export function useListState<F extends object>(initialFilters: F): ListState<F> {
  const [page, setPage] = useState(1);
  const [search, setSearchRaw] = useState('');
  const [filters, setFilters] = useState<F>(initialFilters);
  const [q] = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const [queryPageFor, setQueryPageFor] = useState(q);
  // A new search term starts again at page 1 (the old page may not exist for it).
  if (queryPageFor !== q) {
    setQueryPageFor(q);
    setPage(1);
  }
  const params = useMemo(
    () => compactParams({ page, per_page: PER_PAGE, q, ...filters }) as ListState<F>['params'],
    [page, q, filters],
  );
  return {
    page,
    setPage,
    search,
    setSearch: setSearchRaw,
    filters,
    setFilter: (key, value) => {
      setFilters((f) => ({ ...f, [key]: value }));
      setPage(1);
    },
    params,
  };
}
