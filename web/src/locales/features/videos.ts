/** Videos strings, merged into the main catalogues: English defines the keys, Chinese must provide each. */
export const videosEn = {
} as const;

export const videosZhCN: Record<keyof typeof videosEn, string> = {
};
