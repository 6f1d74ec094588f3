/**
 * One screen's frame: sets the document title and, on navigation, moves focus to the main heading so a
 * screen reader user hears where they landed (a single-page app does not do that by itself).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';

export function Page(props: {
  title: string;
  /** Visible heading; defaults to the title. */
  heading?: ComponentChildren;
  class?: string;
  testid?: string;
  before?: ComponentChildren;
  children?: ComponentChildren;
}) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · ${t('app.name')}`;
  }, [props.title]);
  useEffect(() => {
    h1.current?.focus({ preventScroll: true });
  }, []);
  return (
    <main id="main" class={props.class ?? 'page'} data-testid={props.testid}>
      {props.before}
      <h1 ref={h1} tabIndex={-1}>
        {props.heading ?? props.title}
      </h1>
      {props.children}
    </main>
  );
}
