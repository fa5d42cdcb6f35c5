// The page's elements and its message area. Messages are keyed, so that a new problem of one kind
// replaces the old one instead of piling up, and each can carry one action (a restart).

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

export type Tone = 'error' | 'warning' | 'info';

export interface Action {
  label: string;
  run(): void;
}

/** Shows `text` under `key`, replacing what that key showed before. */
export function say(key: string, tone: Tone, text: string, action?: Action): void {
  unsay(key);
  const box = document.createElement('div');
  box.className = `message ${tone}`;
  box.dataset.key = key;
  box.setAttribute('role', tone === 'error' ? 'alert' : 'status');
  box.textContent = text;
  if (action) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = action.label;
    button.addEventListener('click', () => {
      unsay(key);
      action.run();
    });
    box.append(button);
  }
  byId('messages').append(box);
}

export function unsay(key: string): void {
  for (const old of byId('messages').querySelectorAll(`[data-key="${key}"]`)) old.remove();
}

/** The message of anything thrown. */
export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function enable(ids: Record<string, boolean>): void {
  for (const [id, on] of Object.entries(ids)) byId<HTMLButtonElement>(id).disabled = !on;
}
