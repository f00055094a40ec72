/** Icons for the video screens, filled so they read on top of any frame. */
const base = { width: 30, height: 30, viewBox: '0 0 24 24', 'aria-hidden': true } as const;

export const HeartIcon = ({ filled }: { filled: boolean }) => (
  <svg {...base} fill={filled ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth={filled ? 0 : 2}>
    <path d="M12 21s-7.5-4.6-9.6-9.2C.9 8.4 3 4.5 6.8 4.5c2.2 0 3.7 1.2 5.2 3 1.5-1.8 3-3 5.2-3 3.8 0 5.9 3.9 4.4 7.3C19.5 16.4 12 21 12 21z" />
  </svg>
);
export const CommentIcon = () => (
  <svg {...base} fill="currentColor">
    <path d="M12 3C6.5 3 2 6.8 2 11.5c0 2.6 1.4 4.9 3.6 6.5L5 21.5l4.2-2.2c.9.2 1.8.3 2.8.3 5.5 0 10-3.8 10-8.5S17.5 3 12 3z" />
  </svg>
);
export const ShareIcon = () => (
  <svg {...base} fill="currentColor">
    <path d="M14 4v4C7 9 4 13.5 3 19c2.5-3.5 6-5.1 11-5.1V18l7-7-7-7z" />
  </svg>
);
/** Watch together: a screen with two viewers. */
export const WatchTogetherIcon = () => (
  <svg {...base} fill="currentColor">
    <path d="M3 4h18v11H3V4zm2 2v7h14V6H5zm5 1.5 4 2.5-4 2.5v-5z" />
    <circle cx="8" cy="18.5" r="2" />
    <circle cx="16" cy="18.5" r="2" />
  </svg>
);
export const MoreIcon = () => (
  <svg {...base} fill="currentColor">
    <circle cx="5" cy="12" r="2" />
    <circle cx="12" cy="12" r="2" />
    <circle cx="19" cy="12" r="2" />
  </svg>
);
export const SoundOffIcon = () => (
  <svg {...base} width={20} height={20} fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round">
    <path d="M4 9v6h4l5 4V5L8 9z" fill="currentColor" />
    <path d="m17 9 5 6M22 9l-5 6" />
  </svg>
);
export const SoundOnIcon = () => (
  <svg {...base} width={20} height={20} fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round">
    <path d="M4 9v6h4l5 4V5L8 9z" fill="currentColor" />
    <path d="M17 8.5a5 5 0 0 1 0 7M19.5 6a8.5 8.5 0 0 1 0 12" />
  </svg>
);
export const PlayIcon = () => (
  <svg {...base} width={64} height={64} fill="currentColor">
    <path d="M8 5v14l11-7z" />
  </svg>
);
export const BagIcon = () => (
  <svg {...base} width={18} height={18} fill="none" stroke="currentColor" strokeWidth={2} strokeLinejoin="round">
    <path d="M5 8h14l-1 12H6z" />
    <path d="M9 8a3 3 0 0 1 6 0" />
  </svg>
);
