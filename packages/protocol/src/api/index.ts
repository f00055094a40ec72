import { graphApi } from './graph.ts';
import { shopApi } from './shop.ts';

export * from './endpoint.ts';

/** Every HTTP endpoint of Tremolo, by module and name. */
export const api = {
  graph: graphApi,
  shop: shopApi,
};
