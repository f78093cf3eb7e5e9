import { AttendeeCard, CardHost, CardStep } from './card-data';
import { html, htmlDocument, SafeHtml } from './html';

/** One card per printed page; readable on a screen too. */
const CARD_CSS = `
body { font-family: "Liberation Sans", Arial, sans-serif; color: #1b1f24; margin: 0; background: #eef1f4; }
.card { background: #fff; max-width: 190mm; margin: 8mm auto; padding: 8mm 10mm; border: 1px solid #c9d1d9; border-radius: 6px; }
.card header { border-bottom: 3px solid #0b5cad; margin-bottom: 4mm; }
.card h1 { font-size: 20pt; margin: 0; }
.card .who { font-size: 14pt; margin: 1mm 0 2mm; }
.card .meta { color: #57606a; font-size: 9.5pt; margin: 0 0 2mm; }
.card h2 { font-size: 12.5pt; margin: 5mm 0 2mm; color: #0b5cad; }
.card h3 { font-size: 10.5pt; margin: 3mm 0 1mm; }
.card p { font-size: 10pt; margin: 1.2mm 0; }
.card .ssh-host { display: grid; grid-template-columns: 28mm 1fr; align-items: center; font-size: 9.5pt; }
.card table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
.card th, .card td { border: 1px solid #d0d7de; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
.card th { background: #f3f6f9; }
.card code, .card .cmd { font-family: "Liberation Mono", monospace; font-size: 8.8pt; }
.card .cmd { display: block; background: #f6f8fa; border: 1px solid #d0d7de; padding: 0.8mm 2mm; margin: 0.8mm 0; white-space: pre-wrap; word-break: break-all; }
.card ol { padding-left: 6mm; margin: 0; font-size: 9.5pt; }
@page { size: A4; margin: 10mm; }
.card li { margin-bottom: 1.5mm; }
.card a { color: #0b5cad; word-break: break-all; }
@media print {
  body { background: #fff; }
  .card { border: none; border-radius: 0; margin: 0 auto; padding: 0; max-width: none; page-break-after: always; break-after: page; }
}`;

function hostRow(host: CardHost): SafeHtml {
  return html`<tr data-instance="${host.instanceId}">
<td>${host.label}${host.name ? html`<br><small>${host.name}</small>` : ''}</td>
<td>${host.topology}</td>
<td><code>${host.instanceId}</code></td>
<td><code>${host.privateIp ?? '-'}</code></td>
<td><code>${host.publicIp ?? '-'}</code></td>
<td><a class="session" href="${host.sessionUrl}">browser shell</a></td>
</tr>`;
}

function stepItem(step: CardStep): SafeHtml {
  return html`<li data-step="${step.stepId}"><strong>${step.title}</strong> <small>(on ${step.where})</small>
<span class="cmd">${step.runCommand}</span></li>`;
}

function connectSection(card: AttendeeCard): SafeHtml {
  const { signIn, ssh } = card.access;
  const sshHosts = card.hosts.filter((host) => host.sshCommand);
  return html`<section class="connect">
<h2>How to connect</h2>
<h3>In the browser (Session Manager)</h3>
<p>${signIn.text}${signIn.url ? html` <a href="${signIn.url}">${signIn.url}</a>` : ''} Then follow a host's <em>browser shell</em> link above
(on paper: Systems Manager, Session Manager, <em>Start session</em>, and choose the host's instance).</p>
${ssh && sshHosts.length > 0 ? html`<h3>With SSH</h3>
<p class="key">${ssh.keyHowTo}</p>
${ssh.keyCommand ? html`<span class="cmd key-command">${ssh.keyCommand}</span>` : ''}
${sshHosts.map((host) => html`<div class="ssh-host"><span>${host.label}</span><span class="cmd ssh">${host.sshCommand}</span></div>`)}` : html`<p class="no-ssh">SSH is not open for this workshop: use the browser shell.</p>`}
</section>`;
}

/** One attendee's card: their hosts, how to connect, the steps. Nothing of another attendee is in its data. */
export function renderCard(card: AttendeeCard): SafeHtml {
  const ends = card.expiresAt ? ` · your lab ends ${card.expiresAt.replace('T', ' ').replace(/:\d\dZ$/, ' UTC').replace(/Z$/, ' UTC')}` : '';
  return html`<article class="card" data-attendee="${card.attendee}">
<header>
<h1>Container Networks lab</h1>
<p class="who">for <strong class="attendee">${card.attendee}</strong></p>
<p class="meta">workshop ${card.workshop} · AWS region ${card.region}${ends}</p>
</header>
<section class="hosts">
<h2>Your hosts</h2>
<table>
<thead><tr><th>host</th><th>topology</th><th>instance</th><th>private IP</th><th>public IP</th><th>connect</th></tr></thead>
<tbody>${card.hosts.map(hostRow)}</tbody>
</table>
</section>
${connectSection(card)}
<section class="steps">
<h2>The steps</h2>
<p>Your organiser may run and check them for you. To do it yourself, in a shell on the host: each step's folder
<code>/opt/container-networks/steps/NN-name/</code> has <code>guide.md</code> (read it first), <code>run.sh</code>,
and <code>check.sh</code> (run it the same way after run.sh: it says PASS or FAIL and why).</p>
<ol>${card.steps.map(stepItem)}</ol>
</section>
</article>`;
}

/** A page of one attendee's card (to send to that attendee). */
export function renderCardPage(card: AttendeeCard): string {
  return htmlDocument(`Lab card: ${card.attendee}`, CARD_CSS, renderCard(card));
}

/** A page of every card, one per printed page (for the organiser to print and hand out). */
export function renderCardsPage(workshop: string, cards: readonly AttendeeCard[]): string {
  return htmlDocument(`Lab cards: ${workshop} (${cards.length})`, CARD_CSS, html`${cards.map(renderCard)}`);
}
