// The weights panel: a file (picker or drop) or a URL, converted in the page with a progress bar
// and kept for the next visit; without any, the synthetic weights and their loud warning.
import { syntheticVggWeights, syntheticWarning, type VggWeights, weightsFromBlob } from '../src/browser.ts';
import { byId, describeError, say, unsay } from './ui.ts';
import { forgetWeights, type StoredNote, storedWeights, storeWeights } from './weights-store.ts';

/** About what a MatConvNet VGG-16 file holds before conv4_3 ends, where reading stops. */
const CONV_LAYER_BYTES = 32e6;

const WARNING_INSTALL = ['Choose imagenet-vgg-verydeep-16.mat or a converted .tadtw cache under Weights.'];

export class WeightsPanel {
  private current: VggWeights | null = null;
  private synthetic: VggWeights | null = null;

  /** The weights to track with: the chosen ones, else the synthetic ones (made on first use). */
  get weights(): VggWeights {
    if (this.current) return this.current;
    this.synthetic ??= syntheticVggWeights();
    return this.synthetic;
  }

  async restore(): Promise<void> {
    const stored = await storedWeights();
    if (!stored) return this.useSynthetic();
    try {
      await this.load(stored.cache, stored.note.from, stored.note);
    } catch (e) {
      await forgetWeights();
      say('weights', 'error', `The weights kept from an earlier visit are unusable and were removed: ${describeError(e)}`);
      this.useSynthetic();
    }
  }

  wire(): void {
    const input = byId<HTMLInputElement>('weights-input');
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) void this.choose(file, file.name);
      input.value = '';
    });
    const drop = byId('weights-drop');
    drop.addEventListener('dragover', (event) => {
      event.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (event) => {
      event.preventDefault();
      drop.classList.remove('over');
      const file = event.dataTransfer?.files[0];
      if (file) void this.choose(file, file.name);
    });
    byId('weights-url-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const url = byId<HTMLInputElement>('weights-url').value.trim();
      if (url) void this.fetchUrl(url);
    });
    byId('weights-forget').addEventListener('click', async () => {
      await forgetWeights();
      this.current = null;
      this.useSynthetic();
    });
  }

  private async fetchUrl(url: string): Promise<void> {
    say('weights', 'info', `Downloading ${url}…`);
    let blob: Blob;
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
      blob = await response.blob();
    } catch (e) {
      say('weights', 'error', `Cannot download ${url}: ${describeError(e)} (the server must allow this page's origin).`);
      return;
    }
    await this.choose(blob, url);
  }

  private async choose(blob: Blob, name: string): Promise<void> {
    const progress = byId<HTMLProgressElement>('weights-progress');
    progress.hidden = false;
    progress.max = Math.min(blob.size, CONV_LAYER_BYTES);
    progress.value = 0;
    say('weights', 'info', `Reading ${name}…`);
    try {
      const loaded = await this.load(blob, name, null, (bytes) => (progress.value = Math.min(progress.max, progress.value + bytes)));
      const kept = await storeWeights(loaded.cache, { from: name, kind: loaded.kind, savedAt: new Date().toISOString() }).catch(() => false);
      say('weights', 'info', `Weights ready${loaded.kind === 'mat' ? ' (converted in this page)' : ''}` +
        (kept ? '; kept in this browser for your next visit.' : '; this browser gives the page no storage, so they are not kept.'));
    } catch (e) {
      say('weights', 'error', `${describeError(e)}. Choose imagenet-vgg-verydeep-16.mat or a .tadtw cache made by \`tadt weights convert\`.`);
    } finally {
      progress.hidden = true;
    }
  }

  private async load(blob: Blob, name: string, note: StoredNote | null, onRead?: (bytes: number) => void) {
    const loaded = await weightsFromBlob(blob, name, onRead);
    this.current = loaded.weights;
    unsay('synthetic');
    const from = note ? `${note.from}, kept from ${note.savedAt.slice(0, 10)}` : name;
    byId('weights-status').textContent = `Weights: VGG-16 conv1_1..conv4_3 from ${from}.`;
    byId<HTMLButtonElement>('weights-forget').disabled = false;
    return loaded;
  }

  private useSynthetic(): void {
    byId('weights-status').textContent = 'No weights chosen: tracking uses synthetic random weights.';
    byId<HTMLButtonElement>('weights-forget').disabled = true;
    say('synthetic', 'warning', syntheticWarning('none chosen, none kept in this browser', WARNING_INSTALL));
  }
}
