import { measureStartup, median, startupTable } from '../../../tools/bench/lab-startup';

describe('lab start-up benchmark', () => {
  test('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('times every variant the asked number of times (the warm-up run is not counted), and tabulates them', () => {
    const printsUsage = { label: 'prints the usage', argv: [process.execPath, '-e', 'console.log("Usage: npx lab <command>")'] };
    const times = measureStartup([printsUsage], 3, process.cwd());
    expect(times[0].seconds).toHaveLength(3);
    expect(times[0].seconds.every((seconds) => seconds > 0 && seconds < 30)).toBe(true);
    expect(startupTable(times)).toMatch(/^\| how `lab help` was started \| median .*\n\| --- .*\n\| prints the usage \| \d+\.\d\d s \| \d+\.\d\d s \| \d+\.\d\d s \| 3 \|$/);
  });

  test('a variant that does not print the usage fails the measurement instead of timing an error', () => {
    const broken = { label: 'broken', argv: [process.execPath, '-e', 'process.exit(3)'] };
    expect(() => measureStartup([broken], 1, process.cwd())).toThrow('broken did not print the usage (exit 3)');
  });
});
