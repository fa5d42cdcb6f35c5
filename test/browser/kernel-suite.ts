// The GPU-vs-CPU kernel tests, the very files Node runs, in the page on the browser's WebGPU. The
// outcome is written into #report.
import './mocha-setup.ts';
import '../conv2d3x3.test.ts';
import '../xcorr.test.ts';
import '../response-peak.test.ts';
import '../ridge.test.ts';
import '../crop-window.test.ts';

interface Outcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  ms?: number;
  error?: string;
}

const outcomes: Outcome[] = [];
const runner = mocha.run(() => {
  const report = document.getElementById('report')!;
  report.textContent = JSON.stringify(outcomes);
  report.dataset.done = 'true';
});
runner.on('pass', (test) => outcomes.push({ title: test.fullTitle(), state: 'passed', ms: test.duration }));
runner.on('fail', (test, error: Error) => outcomes.push({ title: test.fullTitle(), state: 'failed', error: error.message }));
runner.on('pending', (test) => outcomes.push({ title: test.fullTitle(), state: 'pending' }));
