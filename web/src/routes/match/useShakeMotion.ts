import { useEffect, useRef, useState } from 'react';
import { ShakeDetector } from './shake-detect.ts';

/** Listening for shakes, waiting for a tap to ask (iOS), or refused. */
export type Motion = 'listening' | 'needsPermission' | 'denied';

/** iOS 13+ exposes this static, and only answers it from a tap. */
interface MotionWithPermission {
  requestPermission?: () => Promise<'granted' | 'denied'>;
}

function motionPermissionApi(): (() => Promise<'granted' | 'denied'>) | null {
  if (typeof DeviceMotionEvent === 'undefined') return null;
  const req = (DeviceMotionEvent as unknown as MotionWithPermission).requestPermission;
  return typeof req === 'function' ? req.bind(DeviceMotionEvent) : null;
}

/**
 * The phone's motion sensor: a real shake calls `onShake`, while the page is open and not
 * `paused` (a video call is on). Where the browser asks first, `ask` does so from a tap.
 */
export function useShakeMotion(onShake: () => void, paused: boolean) {
  const [motion, setMotion] = useState<Motion>(() => (motionPermissionApi() ? 'needsPermission' : 'listening'));
  const onShakeRef = useRef(onShake);
  onShakeRef.current = onShake;

  useEffect(() => {
    if (motion !== 'listening' || paused) return;
    const detector = new ShakeDetector();
    const onMotion = (e: DeviceMotionEvent) => {
      const a = e.accelerationIncludingGravity ?? e.acceleration;
      if (a && detector.sample(a, performance.now())) onShakeRef.current();
    };
    window.addEventListener('devicemotion', onMotion);
    return () => window.removeEventListener('devicemotion', onMotion);
  }, [motion, paused]);

  const ask = async () => {
    const req = motionPermissionApi();
    if (!req) return setMotion('listening');
    try {
      setMotion((await req()) === 'granted' ? 'listening' : 'denied');
    } catch {
      setMotion('denied');
    }
  };

  return { motion, ask };
}
