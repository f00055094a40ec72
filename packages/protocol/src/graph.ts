import { z } from 'zod';
import { Handle } from './common.ts';
import { Relationship, UserSummary } from './accounts.ts';

export const HandleParams = z.strictObject({ handle: Handle });

export const FollowResult = z.object({ relationship: Relationship });
export type FollowResult = z.infer<typeof FollowResult>;

export const ListedUser = UserSummary.extend({ friends: z.boolean() });
export type ListedUser = z.infer<typeof ListedUser>;
