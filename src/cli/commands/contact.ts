import { systemClock } from '../../core/clock.js';
import { RevlineError } from '../../core/errors.js';
import { contactTimeline } from '../../lifecycle/contact.js';
import type { Command } from '../command.js';
import { printDocument, renderTable } from '../output.js';

export const contactCommand: Command = {
  name: 'contact',
  summary: "one contact's timeline: touches, score changes, stage changes, SLA breaches",
  usage: 'revline contact <email|contact-id>',
  options: {},
  async run(context) {
    const [who] = context.positionals;
    if (!who) throw new RevlineError('usage', 'revline contact needs an email or contact id.', { hint: this.usage });
    const engine = await context.openEngine();
    const t = await contactTimeline(engine, who, systemClock.now());
    printDocument(context.io.stdout, context.format, t, () => {
      const c = t.contact;
      const name = [c['first_name'], c['last_name']].filter(Boolean).join(' ');
      const head = [
        `${String(c['contact_id'])}${name ? ` — ${name}` : ''}${c['email'] ? ` <${String(c['email'])}>` : ''}`,
        `  account ${String(c['account_id'] ?? '(none)')}${t.account?.['name'] ? ` (${String(t.account['name'])})` : ''}, source ${String(c['original_source'] ?? 'unknown')}, created by ${String(c['created_by'] ?? 'unknown')}, owner ${String(c['owner_id'] ?? '(none)')}`,
        `  stage now: ${t.currentStage ?? '(none)'}${Object.keys(t.scores).length ? `; scores now: ${Object.entries(t.scores).map(([m, s]) => `${m} ${s}`).join(', ')}` : ''}`,
        '',
      ].join('\n');
      return head + '\n' + renderTable({ title: 'Timeline', columns: ['at', 'kind', 'what', 'detail'], rows: t.entries.map((e) => [e.at, e.kind, e.what, e.detail]) });
    });
    return 0;
  },
};
