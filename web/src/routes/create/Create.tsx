import { RequireAuth } from '../../components/RequireAuth.tsx';
import { Upload } from '../videos/Upload.tsx';

export function Create() {
  return (
    <RequireAuth>
      <Upload />
    </RequireAuth>
  );
}
