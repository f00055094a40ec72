import { useRef } from 'react';
import type { Relationship, UserSummary } from '@tremolo/protocol';
import { ErrorMessage } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { CallView } from './CallView.tsx';
import { FollowButton } from './FollowButton.tsx';
import { SafetySheet } from './SafetySheet.tsx';
import type { ChatLine } from './useMatch.ts';

/** The video call with the person from a shake: "calling" until their video arrives, follow, report, hang up. */
export function ShakeCall({
  peer,
  callId,
  local,
  remote,
  connection,
  chat,
  onSend,
  calling,
  error,
  relationship,
  onRelationship,
  sheet,
  onSheet,
  onSafetyDone,
  onHangUp,
}: {
  peer: UserSummary;
  callId: string;
  local: MediaStream | null;
  remote: MediaStream | null;
  connection: RTCPeerConnectionState | null;
  chat: ChatLine[];
  onSend: (text: string) => Promise<void>;
  /** I placed the call and their video has not arrived yet. */
  calling: boolean;
  error: unknown;
  relationship: Relationship | null;
  onRelationship: (r: Relationship) => void;
  sheet: boolean;
  onSheet: (open: boolean) => void;
  onSafetyDone: () => void;
  onHangUp: () => void;
}) {
  const { t } = useI18n();
  const remoteRef = useRef<HTMLVideoElement>(null);
  return (
    <CallView
      testId="shake-page"
      peer={peer}
      local={local}
      remote={remote}
      connection={connection}
      chat={chat}
      onSend={onSend}
      remoteRef={remoteRef}
      notice={
        <>
          {calling && (
            <p className="note" role="status" data-testid="shake-calling">
              {t('shake.calling', { name: peer.displayName })}
            </p>
          )}
          {error !== null && <ErrorMessage error={error} />}
        </>
      }
      actions={
        <>
          <FollowButton handle={peer.handle} relationship={relationship} onChange={onRelationship} />
          <button type="button" className="btn btn-small btn-danger" onClick={() => onSheet(true)} data-testid="match-report">
            {t('match.report')}
          </button>
          <button type="button" className="btn btn-small btn-primary" onClick={onHangUp} data-testid="shake-hangup">
            {t('shake.hangUp')}
          </button>
        </>
      }
    >
      {sheet && <SafetySheet peer={peer} callId={callId} remoteRef={remoteRef} onDone={onSafetyDone} onClose={() => onSheet(false)} />}
    </CallView>
  );
}
