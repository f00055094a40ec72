/** Messaging strings, merged into the main catalogues: English defines the keys, Chinese must provide each. */
export const messagingEn = {
} as const;

export const messagingZhCN: Record<keyof typeof messagingEn, string> = {
};
