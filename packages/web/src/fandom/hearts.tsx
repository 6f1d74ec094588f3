/**
 * Hearts (issue 11 part 7): a button fans tap as fast as they like (taps batched into `heart` ops by
 * HeartBatcher), a short floating-heart animation per tap, and the room's heart rate and total from the
 * `stats` frame. The animation is CSS only (styles in fandom.css); reduced-motion readers get none.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FandomRealtime } from './contract.ts';
import { HeartBatcher } from './heart-batcher.ts';
import { t, type Lang } from './strings.ts';

export interface HeartsProps {
  rt: FandomRealtime;
  room: string;
  lang: Lang;
}

/** Floating hearts on screen at once; more taps still count, they just do not add a sprite. */
const MAX_SPRITES = 12;
const SPRITE_MS = 900;

export function Hearts({ rt, room, lang }: HeartsProps) {
  const batcher = useMemo(() => new HeartBatcher(rt, room), [rt, room]);
  const [rate, setRate] = useState<number | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [mine, setMine] = useState(0);
  const [sprites, setSprites] = useState<number[]>([]);
  const next = useRef(0);

  useEffect(() => () => batcher.dispose(), [batcher]);
  useEffect(
    () =>
      rt.on('stats', (s) => {
        if (s.room !== room) return;
        setRate(s.heartsPerSecond);
        setTotal(s.hearts);
      }),
    [rt, room],
  );

  function tap(): void {
    batcher.tap();
    setMine((n) => n + 1);
    const id = next.current++;
    setSprites((s) => (s.length >= MAX_SPRITES ? s : [...s, id]));
    setTimeout(() => setSprites((s) => s.filter((x) => x !== id)), SPRITE_MS);
  }

  return (
    <div class="fd-hearts" data-testid="fd-hearts" data-taps={mine}>
      <button
        type="button"
        class="fd-heart-button"
        data-testid="fd-heart-button"
        aria-label={t(lang, 'hearts.tap')}
        title={t(lang, 'hearts.tap')}
        onClick={tap}
      >
        <span aria-hidden="true">♥</span>
      </button>
      <span class="fd-heart-sprites" aria-hidden="true">
        {sprites.map((id) => (
          <span key={id} class="fd-heart-sprite" style={{ left: `${(id * 37) % 80}%` }}>
            ♥
          </span>
        ))}
      </span>
      <span class="fd-heart-rate" data-testid="fd-heart-rate" aria-live="off">
        {rate !== null ? t(lang, 'hearts.rate', { rate: formatRate(rate) }) : ''}
      </span>
      {total !== null && (
        <span class="fd-heart-total" data-testid="fd-heart-total">
          {t(lang, 'hearts.total', { total: total.toLocaleString(lang) })}
        </span>
      )}
    </div>
  );
}

function formatRate(r: number): string {
  return r >= 10 ? String(Math.round(r)) : String(Math.round(r * 10) / 10);
}
