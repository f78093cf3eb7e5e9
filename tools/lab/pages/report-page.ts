import { formatUsd } from '../../../lib/cost/prices';
import { COST_NOTE, HostCost, sumCosts } from '../cost-so-far';
import { attendeeStandings, AttendeeStanding, ProgressSnapshot } from '../progress';
import { cellAt, CheckCell, CheckVerdict, isFailedCell, stepCounts } from '../results';
import { EXPIRY_SOON_MINUTES } from '../time-left';
import { html, htmlDocument, SafeHtml } from './html';

/** What the progress page shows: one round, the costs at that moment, where. */
export interface ReportData {
  readonly snapshot: ProgressSnapshot;
  readonly region: string;
  readonly costs: readonly HostCost[];
  /** When set, the page reloads itself this often (for a watch that rewrites it). */
  readonly refreshSeconds?: number;
}

const VERDICT_CLASS: Readonly<Record<CheckVerdict, string>> = { 'PASS': 'pass', 'FAIL': 'fail', 'TIMEOUT': 'timeout', 'UNKNOWN': 'unknown', 'OFFLINE': 'offline', 'N/A': 'na' };

const REPORT_CSS = `
body { font-family: "Liberation Sans", Arial, sans-serif; color: #1b1f24; margin: 16px 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 20px 0 6px; }
.meta { color: #57606a; font-size: 13px; margin: 0 0 12px; }
.summary { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0 16px; }
.summary div { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; min-width: 120px; }
.summary b { display: block; font-size: 20px; }
table.grid { border-collapse: collapse; font-size: 13px; }
.grid th, .grid td { border: 1px solid #d0d7de; padding: 5px 9px; text-align: left; }
.grid th { background: #f3f6f9; }
.grid td.verdict { text-align: center; font-weight: bold; min-width: 58px; }
.grid td.pass { background: #d2f4d9; color: #116329; }
.grid td.fail { background: #ffd8d3; color: #a40e26; cursor: help; }
.grid td.timeout { background: #fff1b8; color: #7d4e00; cursor: help; }
.grid td.offline { background: #e1e4e8; color: #424a53; cursor: help; }
.grid td.unknown { background: #e1e4e8; color: #424a53; cursor: help; font-style: italic; }
.grid td.na { background: #f6f8fa; color: #8c959f; }
.grid td.soon { background: #fff1b8; font-weight: bold; }
.grid td.expired { background: #ffd8d3; font-weight: bold; }
.grid tr.counts td { background: #f6f8fa; font-weight: bold; text-align: center; }
ul.reasons, ul.not-ready { font-size: 13px; padding-left: 18px; }
ul.reasons li, ul.not-ready li { margin: 3px 0; }
.tag { display: inline-block; padding: 0 5px; border-radius: 4px; font-weight: bold; font-size: 12px; }
.tag.fail { background: #ffd8d3; } .tag.timeout { background: #fff1b8; } .tag.offline { background: #e1e4e8; } .tag.unknown { background: #e1e4e8; }
code { font-family: "Liberation Mono", monospace; font-size: 12px; }
.note { color: #57606a; font-size: 12px; max-width: 900px; }`;

function timeCell(standing: AttendeeStanding): SafeHtml {
  const minutes = standing.timeLeft.minutes;
  const state = minutes === undefined ? '' : minutes < 0 ? 'expired' : minutes < EXPIRY_SOON_MINUTES ? 'soon' : '';
  return html`<td class="time-left ${state}" title="${standing.timeLeft.expiresAt ? `expires-at ${standing.timeLeft.expiresAt}` : 'no expires-at tag'}">${standing.timeLeft.label}</td>`;
}

function verdictCell(cell: CheckCell | undefined): SafeHtml {
  if (!cell) {
    return html`<td class="verdict">-</td>`;
  }
  return html`<td class="verdict ${VERDICT_CLASS[cell.verdict]}" data-step="${cell.stepId}"${cell.reason ? html` title="${cell.reason}"` : ''}>${cell.verdict}</td>`;
}

function gridTable(data: ReportData, standings: readonly AttendeeStanding[]): SafeHtml {
  const { grid } = data.snapshot;
  const costOf = (standing: AttendeeStanding): string => {
    const sum = sumCosts(data.costs.filter((cost) => standing.hosts.some(({ host }) => host.instanceId === cost.instanceId)));
    return `${formatUsd(sum.soFarUsd)}${sum.complete ? '' : ' (+?)'}`;
  };
  const counts = grid.stepIds.map((stepId) => stepCounts(grid, stepId));
  return html`<table class="grid">
<thead><tr><th>attendee</th><th>hosts ready</th><th>time left</th><th>cost so far</th>${grid.stepIds.map((stepId) => html`<th title="${stepId}">${stepId.slice(0, 2)}</th>`)}</tr></thead>
<tbody>
${standings.map((standing) => html`<tr data-attendee="${standing.attendee}">
<td class="attendee">${standing.attendee}</td>
<td class="ready${standing.readyHosts < standing.hosts.length ? ' fail' : ''}">${standing.readyHosts}/${standing.hosts.length}</td>
${timeCell(standing)}<td class="cost">${costOf(standing)}</td>
${grid.stepIds.map((stepId) => verdictCell(cellAt(grid, standing.attendee, stepId)))}
</tr>`)}
<tr class="counts"><td>passed</td><td></td><td></td><td></td>${counts.map(({ passed }) => html`<td>${passed}</td>`)}</tr>
<tr class="counts"><td>not passed</td><td></td><td></td><td></td>${counts.map(({ notPassed }) => html`<td>${notPassed}</td>`)}</tr>
</tbody>
</table>`;
}

function problemLists(data: ReportData): SafeHtml {
  const failed = data.snapshot.grid.cells.filter(isFailedCell);
  const notReady = data.snapshot.readiness.filter(({ readiness }) => readiness !== 'READY');
  return html`<h2>Not passing (${failed.length})</h2>
${failed.length === 0 ? html`<p>Every check passed.</p>` : html`<ul class="reasons">${failed.map((cell) => html`<li data-attendee="${cell.attendee}" data-step="${cell.stepId}"><b>${cell.attendee}</b> · ${cell.stepId} · <span class="tag ${VERDICT_CLASS[cell.verdict]}">${cell.verdict}</span> <code>${cell.reason ?? ''}</code></li>`)}</ul>`}
<h2>Hosts not ready (${notReady.length})</h2>
${notReady.length === 0 ? html`<p>Every host is ready.</p>` : html`<ul class="not-ready">${notReady.map(({ host, readiness, reason }) => html`<li><b>${host.attendee}</b> ${host.topology}#${host.hostIndex} <code>${host.instanceId}</code>: ${readiness}${reason ? html` <code>${reason}</code>` : ''}</li>`)}</ul>`}`;
}

/** The progress page: summary, the coloured grid (FAIL reasons on hover), then every reason and every host not ready in writing. */
export function renderReportPage(data: ReportData): string {
  const { snapshot } = data;
  const standings = attendeeStandings(snapshot);
  const hosts = snapshot.readiness.length;
  const ready = snapshot.readiness.filter(({ readiness }) => readiness === 'READY').length;
  const graded = snapshot.grid.cells.filter((cell) => cell.verdict !== 'N/A');
  const total = sumCosts(data.costs);
  const taken = new Date(snapshot.takenAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const refresh = data.refreshSeconds ? html`<meta http-equiv="refresh" content="${data.refreshSeconds}">\n` : html``;
  return htmlDocument(`Lab progress: ${snapshot.workshop}`, REPORT_CSS, html`<h1>Lab progress: ${snapshot.workshop}</h1>
<p class="meta">checked ${taken} (the round took ${Math.round(snapshot.tookMs / 1000)} s) · AWS region ${data.region}${data.refreshSeconds ? ` · this page reloads every ${data.refreshSeconds} s` : ''}</p>
<div class="summary">
<div>attendees<b class="attendees">${standings.length}</b></div>
<div>hosts ready<b class="hosts-ready">${ready}/${hosts}</b></div>
<div>checks passed<b class="checks-passed">${graded.filter((cell) => cell.verdict === 'PASS').length}/${graded.length}</b></div>
<div>cost so far<b class="cost-total">${formatUsd(total.soFarUsd)}${total.complete ? '' : ' (+?)'}</b></div>
<div>cost per hour now<b class="cost-hour">${formatUsd(total.perHourUsd)}</b></div>
</div>
${gridTable(data, standings)}
<p class="note">Hover over a cell for its reason; all of them are listed below. Steps: ${snapshot.grid.stepIds.join(', ')}.</p>
${problemLists(data)}
${snapshot.grid.warnings.length > 0 ? html`<h2>Warnings</h2><ul>${snapshot.grid.warnings.map((warning) => html`<li>${warning}</li>`)}</ul>` : ''}
<p class="note">Cost: ${COST_NOTE}</p>`, refresh);
}
