import { dmsApi } from './dms.ts';
import { graphApi } from './graph.ts';
import { groupsApi } from './groups.ts';
import { matchApi } from './match.ts';
import { roomsApi } from './rooms.ts';
import { watchApi } from './watch.ts';

export * from './endpoint.ts';

/** Every HTTP endpoint of Tremolo, by module and name. */
export const api = {
  dms: dmsApi,
  graph: graphApi,
  groups: groupsApi,
  match: matchApi,
  rooms: roomsApi,
  watch: watchApi,
};
