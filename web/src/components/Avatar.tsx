import type { UserSummary } from '@tremolo/protocol';

const GRADIENTS = [
  ['#fe2c55', '#ff8a5b'],
  ['#25f4ee', '#3a7bd5'],
  ['#8e2de2', '#fe2c55'],
  ['#11998e', '#38ef7d'],
  ['#f7971e', '#ffd200'],
] as const;

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h);
}

/** A face, or the first letter on a colour derived from the handle so people stay recognisable. */
export function Avatar({
  user,
  size = 48,
  testId,
}: {
  user: Pick<UserSummary, 'handle' | 'displayName' | 'avatarUrl'>;
  size?: number;
  testId?: string;
}) {
  const style = { width: size, height: size };
  if (user.avatarUrl) {
    return <img className="avatar" src={user.avatarUrl} alt="" style={style} data-testid={testId} />;
  }
  const [a, b] = GRADIENTS[hash(user.handle) % GRADIENTS.length]!;
  const letter = [...(user.displayName.trim() || user.handle)][0]?.toUpperCase() ?? '?';
  return (
    <span
      className="avatar avatar-letter"
      style={{ ...style, background: `linear-gradient(135deg, ${a}, ${b})`, fontSize: size * 0.42 }}
      data-testid={testId}
      aria-hidden="true"
    >
      {letter}
    </span>
  );
}
