import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { processTreeCpuMs } from '../bench/peers/process-cpu.ts';

// Chromium's CPU time in the browser peers bench is read from /proc for its whole process tree.
describe('peers bench: CPU time of a process tree', () => {
  it('counts a child that burned 300 ms of CPU, and this process as Node counts itself', async () => {
    const child = spawn(process.execPath, ['-e', `
      const t0 = process.cpuUsage();
      while (process.cpuUsage(t0).user < 300_000);
      process.stdout.write('burned');
      setInterval(() => {}, 1000);`]);
    try {
      await once(child.stdout, 'data');
      const ownMs = () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      };
      const [ownBefore, childBefore] = [ownMs(), processTreeCpuMs(child.pid!)];
      const treeMs = processTreeCpuMs(process.pid);
      const [ownAfter, childAfter] = [ownMs(), processTreeCpuMs(child.pid!)];
      // /proc counts in 10 ms ticks; the child also spent CPU starting Node before its loop.
      expect(childBefore).to.be.at.least(290);
      expect(treeMs).to.be.within(ownBefore + childBefore - 20, ownAfter + childAfter + 20);
    } finally {
      child.kill();
    }
  });
});
