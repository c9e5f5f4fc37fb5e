import { RevlineError } from '../../core/errors.js';
import { systemClock } from '../../core/clock.js';
import { explainIdentity, undoMerge } from '../../ingest/identity.js';
import type { Command } from '../command.js';
import { printDocument, renderTable } from '../output.js';
import { refreshJourneys } from '../../attribution/journeys.js';

export const identityCommand: Command = {
  name: 'identity',
  summary: 'explain how a person was resolved (duplicates, stitched anonymous ids, account match), or undo a decision',
  usage: 'revline identity explain <email|contact-id> | revline identity undo <merge-id> [--format table|json]',
  options: {},
  async run(context) {
    const [verb, who] = context.positionals;
    if ((verb !== 'explain' && verb !== 'undo') || who === undefined) {
      throw new RevlineError('usage', 'revline identity takes: explain <email|contact-id>, or undo <merge-id>.', { hint: this.usage });
    }
    const engine = await context.openEngine();
    if (verb === 'undo') {
      const result = await undoMerge(engine, who, systemClock);
      // The undo moved touches between people and accounts: journeys are rebuilt for reports.
      await refreshJourneys(engine, systemClock);
      printDocument(context.io.stdout, context.format, result, () =>
        `Undone: ${String(result.merge['kind'])} ${String(result.merge['from_id'])} → ${String(result.merge['to_id'])} (${result.reverted} stored rows reverted). It will not be decided again automatically.\n`,
      );
      return 0;
    }
    const e = await explainIdentity(engine, who);
    printDocument(context.io.stdout, context.format, e, () =>
      [
        `Identity of ${e.query}: canonical contact ${e.canonicalContactId}\n`,
        renderTable({
          title: 'Contacts with this id or email (the first created is canonical)',
          columns: ['contact_id', 'email', 'name', 'account_id', 'original_source', 'created_by', 'created_at'],
          rows: e.contacts.map((c) => [c['contact_id'], c['email'], [c['first_name'], c['last_name']].filter(Boolean).join(' '), c['account_id'], c['original_source'], c['created_by'], c['created_at']]),
        }),
        renderTable({
          title: 'Anonymous ids stitched to them',
          columns: ['anonymous_id', 'contact_id', 'method', 'identified_at'],
          rows: e.anonymousIds.map((a) => [a['anonymous_id'], a['contact_id'], a['method'], a['identified_at']]),
        }),
        renderTable({
          title: 'Decisions (identity_merges)',
          columns: ['merge_id', 'kind', 'from', 'to', 'why', 'decided_at', 'undone_at'],
          rows: e.merges.map((m) => [m['merge_id'], m['kind'], m['from_id'], m['to_id'], m['rule'], m['decided_at'], m['undone_at']]),
        }),
        `Touches: ${e.touches.known} known, of which ${e.touches.stitched} came from stitched anonymous ids.\n`,
      ].join('\n'),
    );
    return 0;
  },
};
