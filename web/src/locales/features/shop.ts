/** Shop strings, merged into the main catalogues: English defines the keys, Chinese must provide each. */
export const shopEn = {
} as const;

export const shopZhCN: Record<keyof typeof shopEn, string> = {
};
