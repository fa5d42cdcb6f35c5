import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { processTreeCpuMs } from '../bench/peers/process-cpu.ts';

// Chromium's CPU time in the browser peers bench is read from /proc for its whole process tree.
// Here the tree is a child Node process whose own child burns 300 ms of CPU, then reports the CPU
// time Node counts for itself and idles.
const GRANDCHILD = `
  const t0 = process.cpuUsage();
  while (process.cpuUsage(t0).user < 300_000);
  const u = process.cpuUsage();
  process.stdout.write(JSON.stringify({ pid: process.pid, ms: (u.user + u.system) / 1000 }));
  setInterval(() => {}, 1000);`;
const CHILD = `
  const g = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(GRANDCHILD)}]);
  g.stdout.pipe(process.stdout);
  process.on('SIGTERM', () => { g.kill(); process.exit(); });`;

describe('peers bench: CPU time of a process tree', () => {
  it('counts a process as Node counts itself, and sums the processes below the root', async () => {
    const child = spawn(process.execPath, ['-e', CHILD]);
    try {
      const [data] = (await once(child.stdout, 'data')) as [Buffer];
      const grandchild = JSON.parse(data.toString()) as { pid: number; ms: number };
      const [alone, tree] = [processTreeCpuMs(grandchild.pid), processTreeCpuMs(child.pid!)];
      // /proc counts 10 ms ticks; the grandchild idles once it has reported.
      expect(grandchild.ms).to.be.at.least(300);
      expect(alone).to.be.within(grandchild.ms - 20, grandchild.ms + 20);
      // The child itself spent CPU starting Node and its child: more than nothing, less than a second.
      expect(tree - alone).to.be.within(10, 1000);
    } finally {
      child.kill();
    }
  });
});
