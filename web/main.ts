// The web page: wires the controls to the app. Anything that goes wrong is said on the page.
import { App } from './app.ts';
import { dragBoxes, parseTypedBox } from './box-picker.ts';
import { imageFiles, webcam } from './sources.ts';
import { byId, describeError, say } from './ui.ts';
import { videoFile } from './video-source.ts';
import { WeightsPanel } from './weights.ts';

window.addEventListener('error', (event) => say('page', 'error', `Unexpected error: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => say('page', 'error', `Unexpected error: ${describeError(event.reason)}`));

const weights = new WeightsPanel();
const app = new App(weights);

function onFiles(id: string, use: (files: File[]) => void): void {
  const input = byId<HTMLInputElement>(id);
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = ''; // choosing the same files again is a new choice
    if (files.length) use(files);
  });
}

onFiles('video-input', ([file]) => void app.open(() => videoFile(file!)));
onFiles('images-input', (files) => void app.open(async () => (await imageFiles(files, false)).source));
onFiles('folder-input', (files) => void app.open(async () => {
  const { source, skipped } = await imageFiles(files, true);
  if (skipped.length) say('input', 'info', `Left out ${skipped.length} file(s) that are not images: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', …' : ''}.`);
  return source;
}));
byId('webcam').addEventListener('click', () => void app.open(webcam));

const canvas = byId<HTMLCanvasElement>('canvas');
dragBoxes(canvas, () => app.canChoose, (box) => app.choose(box, false), (box) => {
  app.choose(box, true);
  app.update();
});
byId('box-form').addEventListener('submit', (event) => {
  event.preventDefault();
  try {
    app.choose(parseTypedBox(byId<HTMLInputElement>('box-text').value), true);
    app.update();
  } catch (e) {
    say('box', 'error', describeError(e));
  }
});

byId('start').addEventListener('click', () => void app.start());
byId('restart').addEventListener('click', () => void app.start());
byId('pause').addEventListener('click', () => app.pause());
byId('step').addEventListener('click', () => app.step());
byId('resume').addEventListener('click', () => app.resume());

weights.wire();
await Promise.all([weights.restore(), app.startEngine()]);
