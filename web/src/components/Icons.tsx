/** Line icons drawn inline so the tab bar needs no icon font or extra requests. */
const common = {
  width: 24,
  height: 24,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
} as const;

export const HomeIcon = () => (
  <svg {...common} aria-hidden="true">
    <path d="M3 11 12 4l9 7" />
    <path d="M5 10v10h14V10" />
  </svg>
);
export const FriendsIcon = () => (
  <svg {...common} aria-hidden="true">
    <circle cx="9" cy="8" r="3.5" />
    <path d="M2.5 20c.8-3.5 3.4-5.5 6.5-5.5s5.7 2 6.5 5.5" />
    <circle cx="17" cy="9" r="2.5" />
    <path d="M17 14c2.3 0 4 1.4 4.6 4" />
  </svg>
);
export const MessageIcon = () => (
  <svg {...common} aria-hidden="true">
    <path d="M4 5h16v11H9l-5 4z" />
  </svg>
);
export const MeIcon = () => (
  <svg {...common} aria-hidden="true">
    <circle cx="12" cy="8" r="4" />
    <path d="M4 21c1-4.5 4.2-7 8-7s7 2.5 8 7" />
  </svg>
);
export const PlusIcon = () => (
  <svg {...common} width={20} height={20} strokeWidth={3} aria-hidden="true">
    <path d="M12 5v14M5 12h14" />
  </svg>
);
export const ChevronIcon = () => (
  <svg {...common} width={18} height={18} aria-hidden="true">
    <path d="m9 6 6 6-6 6" />
  </svg>
);
