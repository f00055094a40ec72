import { uuidv7 } from 'uuidv7';

/** Time-ordered ids: new rows sort last, so ids are keyset cursors. */
export const newId = (): string => uuidv7();
