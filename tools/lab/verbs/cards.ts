import * as fs from 'fs';
import * as path from 'path';
import { attendeeAccessGroupName, isValidAttendeeName, saveKeyCommand } from '../../../lib/contract';
import { hostsWithSshOpen, keyPairIds, regionOf, stepTitle } from '../aws/access-facts';
import { LabContext } from '../aws/context';
import { discoverLabHosts, FoundHost } from '../aws/host-inventory';
import { mapWithConcurrency } from '../aws/retry';
import { listDeployedSteps } from '../aws/step-documents';
import { EXIT_CODES } from '../errors';
import { AttendeeCard, buildAttendeeCards, CardAccess } from '../pages/card-data';
import { renderCardPage, renderCardsPage } from '../pages/cards-page';
import { LabVerb } from '../verb';

/** Where `lab cards` writes unless --out says otherwise. */
export const DEFAULT_CARDS_FOLDER = 'lab-cards';

/** At most this many GetDocument calls for the step titles at a time (throttled ones are retried with backoff). */
const STEP_TITLE_CONCURRENCY = 5;

/**
 * The access section of a card, under the workshop's access model (the
 * runbook's "Access and safety"): the attendee signs in as the user the
 * organiser made a member of their IAM group, which may open sessions on
 * their own hosts only and read their own key only; with it, the command
 * that saves the key.
 */
export function defaultAccess(workshop: string, region: string, keyIds: ReadonlyMap<string, string>): (attendee: string, hosts: readonly FoundHost[]) => CardAccess {
  return (attendee, hosts) => {
    const keyName = hosts.map((host) => host.keyName).find(Boolean);
    const keyId = keyName ? keyIds.get(keyName) : undefined;
    const group = attendeeAccessGroupName(workshop, attendee);
    return {
      signIn: { text: `Sign in to the AWS console of the workshop's account with the user your organiser gave you: it is in the IAM group ${group}, which reaches your hosts and your key only.` },
      ssh: {
        keyFile: 'lab-key.pem',
        keyHowTo: keyId
          ? `In AWS CloudShell (the >_ icon of the console, with that user's credentials), this command saves your hosts' private key as lab-key.pem:`
          : 'Your organiser gives you your hosts\' private key as lab-key.pem.',
        ...(keyId ? {
          keyCommand: saveKeyCommand(keyId, 'lab-key.pem', region),
        } : {}),
      },
    };
  };
}

/** The cards of the selected attendees, from EC2 and SSM; attendees whose tag is not a valid name are left out (a warning says so). */
export async function gatherCards(context: LabContext, attendee?: string): Promise<{ cards: AttendeeCard[]; warnings: string[] }> {
  const inventory = await discoverLabHosts(context, { attendee });
  const [region, deployed, sshOpen, keyIds] = await Promise.all([
    regionOf(context), listDeployedSteps(context), hostsWithSshOpen(context, inventory.hosts), keyPairIds(context, inventory.hosts),
  ]);
  const steps = await mapWithConcurrency(deployed, STEP_TITLE_CONCURRENCY, async (step) =>
    ({ stepId: step.stepId, title: await stepTitle(context, step), ...(step.hosts ? { topology: step.hosts } : {}) }));
  const wanted = attendee !== undefined ? [attendee] : inventory.attendees;
  const invalid = wanted.filter((name) => !isValidAttendeeName(name));
  const cards = buildAttendeeCards(
    { workshop: context.workshop, region, hosts: inventory.hosts, steps, sshOpen, accessOf: defaultAccess(context.workshop, region, keyIds) },
    wanted.filter(isValidAttendeeName),
  );
  return { cards, warnings: [...inventory.warnings, ...invalid.map((name) => `hosts tagged attendee=${JSON.stringify(name)}: not a valid attendee name, no card written`)] };
}

/** Writes index.html (every card, one per printed page) and <attendee>.html per attendee into the folder; returns the files. */
export function writeCards(folder: string, workshop: string, cards: readonly AttendeeCard[]): string[] {
  fs.mkdirSync(folder, { recursive: true });
  const files = [path.join(folder, 'index.html')];
  fs.writeFileSync(files[0], renderCardsPage(workshop, cards));
  for (const card of cards) {
    const file = path.join(folder, `${card.attendee}.html`);
    fs.writeFileSync(file, renderCardPage(card));
    files.push(file);
  }
  return files;
}

/** `lab cards`: one printable card per attendee, as static HTML files. */
export const cardsVerb: LabVerb = {
  name: 'cards',
  usage: `  cards                  write a printable card per attendee (their hosts, how to
                         connect, the steps) as HTML: --out FOLDER (default
                         lab-cards)/index.html with every card, and <attendee>.html`,
  options: ['attendee', 'all', 'out'],
  step: 'none',
  changesHosts: false,
  async run(invocation) {
    const { cards, warnings } = await gatherCards(invocation.context, invocation.attendee);
    const folder = path.resolve(invocation.out ?? DEFAULT_CARDS_FOLDER);
    const files = writeCards(folder, invocation.workshop, cards);
    invocation.stdout(`wrote ${files.length} file(s) to ${folder}:\n` +
      `  index.html: ${cards.length} card(s), one per printed page\n` +
      cards.map((card) => `  ${card.attendee}.html: ${card.hosts.length} host(s), ${card.hosts.some((host) => host.sshCommand) ? 'SSH open' : 'Session Manager only'}\n`).join(''));
    warnings.forEach((warning) => invocation.stderr(`warning: ${warning}`));
    return cards.length > 0 ? EXIT_CODES.ok : EXIT_CODES.failed;
  },
};
