import { graphApi } from './graph.ts';

export * from './endpoint.ts';

/** Every HTTP endpoint of Tremolo, by module and name. */
export const api = {
  graph: graphApi,
};
