import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterQuery, NO_FILTERS, readFilters, readSearch, sameFilters, searchPath, writeFilters } from './searchState.ts';

test('a results address gives back the search it was made from', () => {
  const filters = { minPrice: 1000, maxPrice: 5000, inStock: true, onSale: false, sort: 'sales' as const };
  const path = searchPath({ q: ' 口红 试色 ', tab: 'products', filters });
  const params = new URL(path, 'http://x').searchParams;
  assert.deepEqual(readSearch(params), { q: '口红 试色', tab: 'products', filters });
});

test('the top tab and default filters leave the address short; other tabs carry no filters', () => {
  assert.equal(searchPath({ q: 'lipstick' }), '/discover?q=lipstick');
  assert.equal(searchPath({ q: 'lipstick', tab: 'people', filters: { ...NO_FILTERS, onSale: true } }), '/discover?q=lipstick&tab=people');
  assert.equal(writeFilters(NO_FILTERS).toString(), '');
});

test('odd parameters fall back to no filter', () => {
  const f = readFilters(new URLSearchParams('min=-3&max=1e9&stock=yes&sale=1&sort=cheapest'));
  assert.deepEqual(f, { ...NO_FILTERS, onSale: true });
  assert.equal(readSearch(new URLSearchParams('tab=everything')).tab, 'top');
  assert.equal(readSearch(new URLSearchParams(`q=${'x'.repeat(300)}`)).q.length, 100);
});

test('the API query leaves out unset filters and puts a reversed range in order', () => {
  assert.deepEqual(filterQuery(NO_FILTERS), { sort: 'relevance' });
  assert.deepEqual(filterQuery({ minPrice: 900, maxPrice: 100, inStock: true, onSale: true, sort: 'price_asc' }), {
    minPrice: 100,
    maxPrice: 900,
    inStock: true,
    onSale: true,
    sort: 'price_asc',
  });
});

test('sameFilters compares every field', () => {
  assert.ok(sameFilters(NO_FILTERS, { ...NO_FILTERS }));
  assert.ok(!sameFilters(NO_FILTERS, { ...NO_FILTERS, inStock: true }));
});
