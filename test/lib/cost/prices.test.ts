import { Template } from 'aws-cdk-lib/assertions';
import { buildWorkshopApp } from '../../../lib/app/build-workshop-app';
import {
  attendeeHourUsd, formatUsd, GP3_GIB_MONTH_USD, hostHourUsd, HOURS_PER_MONTH, INSTANCE_HOUR_USD, pricedInstanceTypes, PUBLIC_IPV4_HOUR_USD,
  stoppedHostHourUsd, workshopUsd,
} from '../../../lib/cost/prices';
import { FIXTURE_STEPS, newApp } from '../../fixtures/cdk';

describe('prices', () => {
  test('a host-hour is the instance, 8 GiB of gp3 (the default volume) and a public IPv4 address', () => {
    expect(hostHourUsd('t3.large')).toBeCloseTo(0.0832 + 8 * 0.08 / 730 + 0.005, 10);
    expect(hostHourUsd('t3.micro', 30)).toBeCloseTo(0.0104 + 30 * 0.08 / 730 + 0.005, 10);
    expect(hostHourUsd('t3.large', 38)! - hostHourUsd('t3.large')!).toBeCloseTo(30 * GP3_GIB_MONTH_USD / HOURS_PER_MONTH, 10);
    expect(PUBLIC_IPV4_HOUR_USD).toBe(0.005);
  });

  test('attendee and workshop totals', () => {
    expect(attendeeHourUsd('t3.large', 3)).toBeCloseTo(3 * hostHourUsd('t3.large')!, 10);
    // 30 attendees, 3 hosts each, 8 hours, all at t3.large.
    expect(formatUsd(workshopUsd('t3.large', 30, 3, 8)!)).toBe('USD 64.14');
    // The runbook's default row: t3.medium + 2 x t3.micro, 30 attendees x 8 h.
    expect(formatUsd((hostHourUsd('t3.medium')! + 2 * hostHourUsd('t3.micro')!) * 30 * 8)).toBe('USD 19.21');
    expect(formatUsd(stoppedHostHourUsd() * 3 * 24)).toBe('USD 0.0631');
  });

  test('unknown instance types have no price (not a made-up one)', () => {
    expect(hostHourUsd('x9.huge')).toBeUndefined();
    expect(workshopUsd('x9.huge', 1, 1, 1)).toBeUndefined();
  });

  test('the table: x86_64 types written family.size, sane hourly prices', () => {
    for (const [type, price] of Object.entries(INSTANCE_HOUR_USD)) {
      expect(type).toMatch(/^[a-z][a-z0-9]*[^g]\.[a-z0-9]+$/); // no Graviton (…g.) types: the AMIs are amd64
      expect(price).toBeGreaterThan(0.005);
      expect(price).toBeLessThan(1);
    }
    expect(pricedInstanceTypes()).toContain('t3.large');
  });

  test.each([[0.27448, 'USD 0.2745'], [65.8752, 'USD 65.88']])('formatUsd(%d) = %s', (amount, text) => {
    expect(formatUsd(amount)).toBe(text);
  });
});

describe('CostPerHour output of an attendee stack', () => {
  function output(context: Record<string, unknown>): string {
    const app = newApp(context);
    const { attendees } = buildWorkshopApp(app, { nag: false, stepsDirectory: FIXTURE_STEPS, now: new Date('2026-05-04T08:00:00Z') });
    return Template.fromStack(attendees[0]).toJSON().Outputs.CostPerHour.Value;
  }

  test('the default attendee (t3.medium single host, two t3.micro multi-host hosts, 8 GiB each) costs at most USD 0.12 an hour', () => {
    const value = output({});
    const running = hostHourUsd('t3.medium')! + 2 * hostHourUsd('t3.micro')!;
    expect(value).toBe(`${formatUsd(running)} per hour running, ${formatUsd(3 * stoppedHostHourUsd())} per hour stopped`);
    expect(value).toBe('USD 0.0800 per hour running, USD 0.0026 per hour stopped');
    expect(running).toBeLessThanOrEqual(0.12);
  });

  test('counts the hosts of the chosen topologies at the chosen type', () => {
    expect(output({ topologies: 'single', instanceType: 'm7i.large' }))
      .toBe(`${formatUsd(hostHourUsd('m7i.large')!)} per hour running, ${formatUsd(stoppedHostHourUsd())} per hour stopped`);
    expect(output({ multiHostCount: '4', topologies: 'multi' })).toContain(formatUsd(attendeeHourUsd('t3.micro', 4)!));
    expect(output({ multiHostCount: '4', topologies: 'multi', instanceType: 't3.large' })).toContain(formatUsd(attendeeHourUsd('t3.large', 4)!));
  });

  test('says so for a type not in the table', () => {
    expect(output({ instanceType: 'r7i.large' })).toBe('unknown: r7i.large not in lib/cost/prices.ts');
  });
});
