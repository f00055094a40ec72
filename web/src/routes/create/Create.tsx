import { ComingSoon } from '../../components/ComingSoon.tsx';

export function Create() {
  return <ComingSoon title="create.title" body="create.body" testId="create-coming-soon" />;
}
