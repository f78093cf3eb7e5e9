/// <reference lib="dom" />
// The lab command's pages in a real browser: Debian's Chromium, headless,
// driven by playwright-core. The pages are written by `lab report` and `lab
// cards` from a fake AWS account (aws-sdk-client-mock); the test checks the
// DOM as the browser built it and keeps screenshots in test-output/pages/
// (git-ignored; CI keeps them as artifacts). CI installs chromium (.ci/run);
// elsewhere without it these tests are skipped with a message, under CI they fail.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { formatUsd, hostHourUsd } from '../../../../lib/cost/prices';
import { REPOSITORY } from '../../../fixtures/cdk';
import { restoreFakeAws, runLab } from '../fixtures';
import { INJECTION, MORNING_HOSTS, morningWithChecks, NOW } from '../morning';

const CHROMIUM = process.env.CNLAB_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
const SCREENSHOTS = path.join(REPOSITORY, 'test-output', 'pages');
/** The flags that work for headless Chromium as root on a machine with no network but the package registries. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('Chromium is there when CI runs (.ci/run installs it)', () => {
  if (!HAVE_CHROMIUM) {
    console.warn(`${CHROMIUM} not found: the browser tests of the lab pages are skipped (apt-get install chromium)`);
  }
  expect(HAVE_CHROMIUM || process.env.CI !== 'true').toBe(true);
});

const browserDescribe = HAVE_CHROMIUM ? describe : describe.skip;

browserDescribe('the lab pages in headless Chromium', () => {
  jest.setTimeout(60000);
  let browser: Browser;
  let page: Page;
  let folder: string;

  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-pages-'));
    const aws = morningWithChecks();
    expect((await runLab(aws, ['report', '--out', path.join(folder, 'report.html')], {}, NOW)).code).toBe(1);
    expect((await runLab(aws, ['cards', '--out', path.join(folder, 'cards')], {}, NOW)).code).toBe(0);
    restoreFakeAws();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(file: string): Promise<void> {
    await page.goto(`file://${path.join(folder, file)}`);
  }

  test('report: summary, grid colours, FAIL reason on hover (title) and below, time left, cost so far', async () => {
    await open('report.html');
    expect(await page.title()).toBe('Lab progress: container-networks');
    expect(await page.locator('.summary .hosts-ready').textContent()).toBe('7/7');
    expect(await page.locator('.summary .checks-passed').textContent()).toBe('13/20');
    const bob = page.locator('tr[data-attendee="bob"]');
    const failing = bob.locator('td.verdict[data-step="06-across-hosts"]');
    expect(await failing.textContent()).toBe('FAIL');
    expect(await failing.getAttribute('title')).toBe('multi#2: FAIL: no tunnel port to 10.0.2.11 on br-tun; run step 6 again');
    expect(await failing.evaluate((cell) => getComputedStyle(cell).backgroundColor)).toBe('rgb(255, 216, 211)');
    const passing = page.locator('tr[data-attendee="alice"] td.verdict[data-step="01-docker-on-the-host"]');
    expect(await passing.evaluate((cell) => getComputedStyle(cell).backgroundColor)).toBe('rgb(210, 244, 217)');
    expect(await bob.locator('td.time-left').textContent()).toBe('20m');
    expect(await bob.locator('td.time-left').getAttribute('class')).toContain('soon');
    expect(await page.locator('tr[data-attendee="alice"] td.time-left').textContent()).toBe('8h 00m');
    expect(await page.locator('tr[data-attendee="alice"] td.cost').textContent()).toBe(formatUsd(2 * (hostHourUsd('t3.small', 8)! + 2 * hostHourUsd('t3.micro', 8)!)));
    expect(await page.locator('ul.reasons li[data-attendee="bob"]').textContent()).toContain('no tunnel port to 10.0.2.11 on br-tun');
    await failing.hover();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report.png'), fullPage: true });
  });

  test('report: markup in an attendee tag and in a FAIL reason stays text: no element made, nothing run', async () => {
    await open('report.html');
    expect(await page.title()).not.toContain('pwned');
    expect(await page.locator('script, img, iframe, object').count()).toBe(0);
    const hostile = page.locator('td.attendee').filter({ hasText: '<script>' });
    expect(await hostile.textContent()).toBe(INJECTION);
    expect(await page.locator('ul.reasons').textContent()).toContain(`FAIL: ${INJECTION}`);
  });

  test('cards: index.html has one card per valid attendee, each one printed page, each with only its own hosts', async () => {
    await open('cards/index.html');
    const cards = page.locator('article.card');
    expect(await cards.evaluateAll((articles) => articles.map((article) => article.getAttribute('data-attendee')))).toEqual(['alice', 'bob']);
    for (const [attendee, other] of [['alice', 'bob'], ['bob', 'alice']]) {
      const card = page.locator(`article.card[data-attendee="${attendee}"]`);
      const text = (await card.textContent()) ?? '';
      const links = await card.locator('a').evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
      const instances = await card.locator('tr[data-instance]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-instance')));
      expect(instances).toEqual(MORNING_HOSTS.filter((host) => host.attendee === attendee).map((host) => host.instanceId).sort((a, b) => (a.includes('single') ? -1 : b.includes('single') ? 1 : a.localeCompare(b))));
      for (const host of MORNING_HOSTS.filter((candidate) => candidate.attendee === other)) {
        expect([host.instanceId, host.privateIp, host.publicIp].filter((value) => value && (text.includes(value) || links.some((link) => link.includes(value))))).toEqual([]);
      }
      expect(text).not.toContain(other);
    }
    await page.emulateMedia({ media: 'print' });
    expect(await cards.first().evaluate((card) => getComputedStyle(card).breakAfter)).toBe('page');
    // Printed on A4 (print media, as a browser prints): one page per card, every step on it.
    const pdf = await page.pdf({ preferCSSPageSize: true });
    fs.writeFileSync(path.join(SCREENSHOTS, 'cards.pdf'), pdf);
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g)).toHaveLength(2);
    await page.emulateMedia({ media: 'screen' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'cards.png'), fullPage: true });
  });

  test('cards: alice.html is her card alone: links to her hosts\' browser shells, SSH commands, the key command, her HOSTS', async () => {
    await open('cards/alice.html');
    expect(await page.locator('article.card').count()).toBe(1);
    expect(await page.locator('.who .attendee').textContent()).toBe('alice');
    const sessions = await page.locator('a.session').evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
    expect(sessions).toEqual(['i-alice-single', 'i-alice-multi1', 'i-alice-multi2'].map((id) => `https://us-east-1.console.aws.amazon.com/systems-manager/session-manager/${id}?region=us-east-1`));
    expect(await page.locator('.cmd.ssh').allTextContents()).toEqual(['ssh -i lab-key.pem admin@198.51.100.10', 'ssh -i lab-key.pem admin@198.51.100.11', 'ssh -i lab-key.pem admin@198.51.100.12']);
    expect(await page.locator('.cmd.key-command').textContent()).toContain('/ec2/keypair/key-containernetworksalicelabkey');
    expect(await page.locator('li[data-step="06-across-hosts"] .cmd').first().textContent()).toBe('sudo HOSTS=10.0.1.11,10.0.1.12 /opt/container-networks/steps/06-across-hosts/run.sh');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'card-alice.png'), fullPage: true });
  });
});
