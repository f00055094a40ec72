/** What index.html's first script (`src/early.ts`) started, by URL, left on the global object for the app to take. */
export type Early = Record<string, Promise<Response> | undefined>;

/** Where early.ts leaves it (early.ts spells it too: it imports nothing; the test checks they agree). */
export const EARLY_KEY = '__tremoloEarly';

/** How many For You items a page asks for (early.ts and the server's answer in the HTML use the same first page). */
export const FOR_YOU_PAGE = 6;
