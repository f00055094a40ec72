import { useCallback, useRef, useState } from 'react';
import { coarse } from './shake-detect.ts';

type Place = { lat: number; lng: number };

/**
 * "Use my approximate location": when on, the browser's position rounded to a coarse grid goes
 * with each shake, so people nearby are matched first.
 */
export function useShakeLocation() {
  const [on, setOn] = useState(false);
  const [unavailable, setUnavailable] = useState(false);
  const place = useRef<Place | null>(null);

  const toggle = (next: boolean) => {
    setOn(next);
    setUnavailable(false);
    if (!next) {
      place.current = null;
      return;
    }
    if (!navigator.geolocation) return setUnavailable(true);
    navigator.geolocation.getCurrentPosition(
      (p) => (place.current = { lat: coarse(p.coords.latitude), lng: coarse(p.coords.longitude) }),
      () => {
        setUnavailable(true);
        setOn(false);
      },
      { enableHighAccuracy: false, maximumAge: 10 * 60_000, timeout: 15_000 },
    );
  };

  /** Where I am for this shake, when the person turned it on and the browser answered. */
  const here = useCallback((): Place | null => (on ? place.current : null), [on]);

  return { on, unavailable, toggle, here };
}
