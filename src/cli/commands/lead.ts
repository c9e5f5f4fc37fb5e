import { systemClock } from '../../core/clock.js';
import { RevlineError } from '../../core/errors.js';
import { decideLead, leadQueue, type LeadAction } from '../../lifecycle/leads.js';
import { stringOption, type Command } from '../command.js';
import { printDocument, printResult } from '../output.js';

export const leadCommand: Command = {
  name: 'lead',
  summary: 'sales acceptance: accept an MQL (→ SAL), reject it with a reason (→ disqualified), or recycle it',
  usage: 'revline lead accept|reject|recycle <email|contact-id> --as <user> [--reason code] [--note text]',
  options: { as: { type: 'string' }, reason: { type: 'string' }, note: { type: 'string' } },
  async run(context) {
    const [action, who] = context.positionals;
    const as = stringOption(context.values, 'as');
    if ((action !== 'accept' && action !== 'reject' && action !== 'recycle') || !who || !as) {
      throw new RevlineError('usage', 'revline lead takes accept, reject or recycle, a contact, and --as <user>.', { hint: this.usage });
    }
    const engine = await context.openEngine();
    const reason = stringOption(context.values, 'reason');
    const note = stringOption(context.values, 'note');
    const d = await decideLead(engine, who, action as LeadAction, { as, clock: systemClock, ...(reason !== undefined ? { reason } : {}), ...(note !== undefined ? { note } : {}) });
    printDocument(context.io.stdout, context.format, d, () => `${d.contactId}: ${d.from ?? '(none)'} → ${d.to}${d.reason ? ` (${d.reason})` : ''} by ${d.by} at ${d.at}\n`);
    return 0;
  },
};

export const leadsCommand: Command = {
  name: 'leads',
  summary: 'the queue of open MQLs with their age and SLA state',
  usage: 'revline leads queue [--owner <user-id>]',
  options: { owner: { type: 'string' } },
  async run(context) {
    const [verb] = context.positionals;
    if (verb !== 'queue') throw new RevlineError('usage', 'revline leads takes: queue.', { hint: this.usage });
    const engine = await context.openEngine();
    const owner = stringOption(context.values, 'owner');
    const queue = await leadQueue(engine, { clock: systemClock, ...(owner !== undefined ? { owners: [owner] } : {}) });
    printResult(context.io.stdout, context.format, {
      title: `Open MQLs${owner ? ` of ${owner}` : ''}: ${queue.length}`,
      columns: ['contact_id', 'email', 'owner_id', 'mql_at', 'age_hours', 'due_at', 'sla'],
      rows: queue.map((q) => [q.contact_id, q.email, q.owner_id, q.mql_at, q.age_hours, q.due_at, q.sla]),
    });
    return 0;
  },
};
