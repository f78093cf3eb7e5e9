// lab cards against a fake AWS account: the files, what a card says, and that
// a card carries nothing of another attendee. (The browser test renders them.)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { escapeHtml } from '../../../tools/lab/pages/html';
import { restoreFakeAws, runLab } from './fixtures';
import { INJECTION, MORNING_HOSTS, MORNING_INVOCATIONS, morningAws, NOW } from './morning';

afterEach(restoreFakeAws);

function tempFolder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-cards-'));
}

/** Every value of an attendee's hosts that must not appear on another attendee's card. */
function traces(attendee: string): string[] {
  return MORNING_HOSTS.filter((host) => host.attendee === attendee)
    .flatMap((host) => [host.instanceId, host.privateIp, host.publicIp ?? '', host.keyName ?? '', `key-containernetworks${attendee}labkey`])
    .concat([`>${attendee}<`, `"${attendee}"`])
    .filter(Boolean);
}

describe('lab cards', () => {
  test('writes index.html with every card and one file per attendee; a hostile attendee tag gets no card', async () => {
    const aws = morningAws({ invocation: MORNING_INVOCATIONS });
    const folder = tempFolder();
    const { code, stdout, stderr } = await runLab(aws, ['cards', '--out', folder], {}, NOW);
    expect(code).toBe(0);
    expect(fs.readdirSync(folder).sort()).toEqual(['alice.html', 'bob.html', 'index.html']);
    expect(stdout).toContain('index.html: 2 card(s), one per printed page');
    expect(stdout).toContain('alice.html: 3 host(s), SSH open');
    expect(stderr).toContain('not a valid attendee name, no card written');
    expect(aws.sent).toHaveLength(0);
  });

  test('a card names the attendee\'s hosts, links, SSH commands, key command and steps with their own HOSTS', async () => {
    const aws = morningAws();
    const folder = tempFolder();
    await runLab(aws, ['cards', '--attendee', 'alice', '--out', folder], {}, NOW);
    const page = fs.readFileSync(path.join(folder, 'alice.html'), 'utf8');
    expect(page).toContain('https://us-east-1.console.aws.amazon.com/systems-manager/session-manager/i-alice-multi2?region=us-east-1');
    expect(page).toContain('ssh -i lab-key.pem admin@198.51.100.12');
    expect(page).toContain('(umask 077 &amp;&amp; aws ssm get-parameter --region us-east-1 --name /ec2/keypair/key-containernetworksalicelabkey --with-decryption');
    expect(page).toContain('sudo HOSTS=10.0.1.11,10.0.1.12 /opt/container-networks/steps/06-across-hosts/run.sh');
    expect(page).toContain('sudo /opt/container-networks/steps/01-docker-on-the-host/run.sh');
    expect(page).toContain('Containers across hosts: Open vSwitch tunnels (GRE, VXLAN, Geneve)');
    expect(page).toContain('your lab ends 2026-05-04 18:00 UTC');
  });

  test('no card carries anything of another attendee: not in their own file, not in their part of index.html', async () => {
    const aws = morningAws();
    const folder = tempFolder();
    await runLab(aws, ['cards', '--out', folder], {}, NOW);
    const index = fs.readFileSync(path.join(folder, 'index.html'), 'utf8');
    for (const [attendee, other] of [['alice', 'bob'], ['bob', 'alice']]) {
      const own = fs.readFileSync(path.join(folder, `${attendee}.html`), 'utf8');
      const part = index.slice(index.indexOf(`data-attendee="${attendee}"`), index.indexOf('</article>', index.indexOf(`data-attendee="${attendee}"`)));
      for (const text of [own, part]) {
        expect(traces(attendee).some((trace) => text.includes(trace))).toBe(true);
        expect(traces(other).filter((trace) => text.includes(trace))).toEqual([]);
      }
    }
  });

  test('a key pair deleted since the hosts launched: the card has no key command, and says to ask the organiser', async () => {
    const hosts = MORNING_HOSTS.map((host) => host.attendee === 'alice' ? { ...host, keyName: 'deleted-key' } : host);
    const aws = morningAws({ hosts });
    const folder = tempFolder();
    const { code } = await runLab(aws, ['cards', '--attendee', 'alice', '--out', folder], {}, NOW);
    expect(code).toBe(0);
    const page = fs.readFileSync(path.join(folder, 'alice.html'), 'utf8');
    expect(page).not.toContain('aws ssm get-parameter');
    expect(page).toContain('Your organiser gives you your hosts&#39; private key as lab-key.pem.</p>');
    expect(page).toContain('ssh -i lab-key.pem admin@198.51.100.10');
  });

  test('without port 22 open, a card has no SSH command and says so', async () => {
    const aws = morningAws({ securityGroups: { 'sg-alice': { ssh: false } } });
    const folder = tempFolder();
    await runLab(aws, ['cards', '--attendee', 'alice', '--out', folder], {}, NOW);
    const page = fs.readFileSync(path.join(folder, 'alice.html'), 'utf8');
    expect(page).not.toContain('ssh -i');
    expect(page).toContain('SSH is not open for this workshop: use the browser shell.');
  });

  test('the HTML escaping: & < > " \' become entities; the page has a policy that forbids scripts', async () => {
    expect(escapeHtml(INJECTION)).toBe('&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;');
    const aws = morningAws();
    const folder = tempFolder();
    await runLab(aws, ['cards', '--attendee', 'bob', '--out', folder], {}, NOW);
    expect(fs.readFileSync(path.join(folder, 'bob.html'), 'utf8')).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">');
  });
});
