/** A mounted view: its root element and what to undo when the route changes. */
export interface View {
  el: HTMLElement;
  dispose?(): void;
}
