import { systemClock } from '../../core/clock.js';
import { RevlineError } from '../../core/errors.js';
import { explainScore } from '../../lifecycle/contact.js';
import { stringOption, type Command } from '../command.js';
import { printDocument, renderTable } from '../output.js';

export const scoreCommand: Command = {
  name: 'score',
  summary: 'explain a contact’s rule scores point by point',
  usage: 'revline score explain <email|contact-id> [--model name] [--at 2024-05-01T00:00:00Z]',
  options: { model: { type: 'string' }, at: { type: 'string' } },
  async run(context) {
    const [verb, who] = context.positionals;
    if (verb !== 'explain' || !who) throw new RevlineError('usage', 'revline score takes: explain <email|contact-id>.', { hint: this.usage });
    const atText = stringOption(context.values, 'at');
    const at = atText === undefined ? systemClock.now() : Date.parse(atText);
    if (Number.isNaN(at)) throw new RevlineError('usage', `--at takes an ISO 8601 time, not "${atText}".`, { hint: 'For example 2024-05-01T00:00:00Z.' });
    const engine = await context.openEngine();
    const explained = await explainScore(engine, who, at, stringOption(context.values, 'model'));
    printDocument(context.io.stdout, context.format, explained, () =>
      explained
        .map((e) =>
          renderTable({
            title: `${e.model} score of ${e.contactId} at ${e.at}: ${Math.round(e.score.total * 100) / 100} (groups after caps: ${Object.entries(e.score.groups).map(([g, v]) => `${g} ${Math.round(v * 100) / 100}`).join(', ') || 'none'})`,
            columns: ['group', 'points', 'rule', 'touch', 'touched at'],
            rows: e.lines.map((l) => [l.group, l.points, l.rule, l.touch, l.touched_at]),
          }),
        )
        .join('\n'),
    );
    return 0;
  },
};
