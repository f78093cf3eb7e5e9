import { neededGiB } from '../../../tools/rehearsal/summary';
import { memoryCgroupOf, UsageSampler, workingSetBytes } from '../../../tools/rehearsal/usage';

describe('memory accounting of the rehearsal machines', () => {
  test('the memory cgroup of a container process: cgroup v1 memory controller first, else the v2 tree', () => {
    const hybrid = '9:name=systemd:/docker/abc\n4:memory:/docker/abc\n0::/docker/abc\n';
    expect(memoryCgroupOf(hybrid, '/cg')).toEqual({ folder: '/cg/memory/docker/abc', version: 1 });
    expect(memoryCgroupOf('0::/system.slice/docker-abc.scope\n', '/cg')).toEqual({ folder: '/cg/system.slice/docker-abc.scope', version: 2 });
    expect(memoryCgroupOf('3:cpu,cpuacct:/x\n', '/cg')).toBeUndefined();
  });

  test('the working set leaves out the inactive page cache', () => {
    expect(workingSetBytes(1000, 'cache 700\ntotal_inactive_file 300\n', 1)).toBe(700);
    expect(workingSetBytes(1000, 'anon 500\ninactive_file 400\n', 2)).toBe(600);
    expect(workingSetBytes(100, 'inactive_file 400\n', 2)).toBe(0);
    expect(workingSetBytes(1000, 'nothing here\n', 1)).toBe(1000);
  });

  test('memory needed keeps 30 % headroom above the peak', () => {
    expect(neededGiB(0.7 * 2 ** 30)).toBeCloseTo(1, 6);
    expect(neededGiB(2.8 * 2 ** 30)).toBeCloseTo(4, 6);
  });

  test('a sampler without machines has no peaks, and stops cleanly', () => {
    const sampler = new UsageSampler(10);
    sampler.setPhase(['nobody'], 'boot');
    sampler.sample();
    expect([...sampler.peaksOf('nobody')]).toEqual([]);
    sampler.stop();
  });
});
