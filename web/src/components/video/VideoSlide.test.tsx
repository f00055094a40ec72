import * as api from '@tremolo/protocol/api';
import { LANDING_VIDEO_ID } from '@tremolo/protocol/landing';
import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { session, me, video } from '../../test/fixtures.ts';
import { fakeServer, renderScreen } from '../../test/render.tsx';
import { VideoSlide, type SlideProps } from './VideoSlide.tsx';

const clip = video(10, { streamUrl: '/api/v1/videos/clip/stream', posterUrl: '/api/v1/videos/clip/poster' });

/** The element the server puts at the end of a landing page (first-screen.ts). */
function landingVideo(src: string): HTMLVideoElement {
  const el = document.createElement('video');
  el.id = LANDING_VIDEO_ID;
  el.className = 'landing-video';
  el.setAttribute('src', src);
  el.setAttribute('aria-hidden', 'true');
  document.body.append(el);
  return el;
}

function slide(over: Partial<SlideProps> = {}) {
  const noop = () => undefined;
  return (
    <VideoSlide
      video={clip}
      active
      near
      loadAhead={false}
      onStarted={noop}
      muted
      onMuted={noop}
      onComments={noop}
      onToast={noop}
      {...over}
    />
  );
}

describe('the landing page’s first video', () => {
  // jsdom plays nothing: playback calls only need to be answered.
  beforeEach(() => {
    vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    vi.spyOn(HTMLMediaElement.prototype, 'pause').mockReturnValue(undefined);
    vi.spyOn(HTMLMediaElement.prototype, 'load').mockReturnValue(undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    document.getElementById(LANDING_VIDEO_ID)?.remove();
  });

  test('the slide on screen with the same clip takes that very element over, loading and all', async () => {
    fakeServer().on(api.accounts.session, () => session(me()));
    const el = landingVideo(clip.streamUrl!);
    renderScreen(slide());
    const article = await screen.findByTestId('video-slide');
    expect(within(article).getByTestId('video-player')).toBe(el);
    expect(el.id).toBe('');
    expect(el.getAttribute('aria-hidden')).toBeNull();
    expect(el.getAttribute('src')).toBe(clip.streamUrl);
    expect(article.querySelectorAll('video')).toHaveLength(1);
  });

  test('a slide with another clip drops it and plays its own', async () => {
    fakeServer().on(api.accounts.session, () => session(me()));
    const el = landingVideo('/api/v1/videos/other/stream');
    const mine = video(11, { streamUrl: '/api/v1/videos/mine/stream' });
    renderScreen(slide({ video: mine }));
    const article = await screen.findByTestId('video-slide');
    const player = within(article).getByTestId('video-player');
    expect(player).not.toBe(el);
    expect(player.getAttribute('src')).toBe(mine.streamUrl);
    expect(el.isConnected).toBe(false);
    expect(el.getAttribute('src')).toBeNull();
  });
});
