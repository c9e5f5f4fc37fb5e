/**
 * `revline access`: the accounts that sign in to the dashboard and the API keys of programs, from
 * the machine that holds the workspace (the same as the admin routes of the API).
 */

import { isRole, ROLE_DESCRIPTIONS, ROLES, SCOPES } from '../../core/access.js';
import { systemClock } from '../../core/clock.js';
import { RevlineError } from '../../core/errors.js';
import { createKey, findAccount, issueLink, listAccounts, listKeys, revokeKey, saveAccount } from '../../access/store.js';
import { stringOption, type Command } from '../command.js';
import { printDocument, printResult } from '../output.js';
import { DEFAULT_PORT } from './serve.js';

const ACTIONS = ['list', 'add', 'link', 'keys', 'create-key', 'revoke-key'] as const;
const BY = 'cli';

export const accessCommand: Command = {
  name: 'access',
  summary: 'accounts that sign in (roles, one-time links) and API keys',
  usage:
    'revline access list | add <login> --role admin|revops|marketing|sales|viewer [--user-id id] | link <login> | keys | create-key --name "what for" --scope read,import,collect | revoke-key <key-id>',
  options: { role: { type: 'string' }, 'user-id': { type: 'string' }, name: { type: 'string' }, scope: { type: 'string', multiple: true } },
  async run(context) {
    const { values, positionals, io, format } = context;
    const [action, subject] = positionals;
    if (!(ACTIONS as readonly string[]).includes(action ?? '')) {
      throw new RevlineError('usage', action ? `Unknown action "${action}" of revline access.` : 'revline access needs an action.', { hint: `Actions: ${ACTIONS.join(', ')}. Roles: ${ROLES.map((r) => `${r} (${ROLE_DESCRIPTIONS[r]})`).join('; ')}.` });
    }
    const engine = await context.openEngine();
    const needSubject = (what: string): string => {
      if (!subject) throw new RevlineError('usage', `revline access ${action} needs ${what}.`, { hint: `Usage: ${accessCommand.usage}` });
      return subject;
    };
    const printLink = async (login: string) => {
      const token = await issueLink(engine, systemClock, login);
      io.stdout.write(`One-time sign-in link for ${login} (works once, for 24 hours):\n  http://127.0.0.1:${DEFAULT_PORT}/#/sign-in?link=${token}\n(use the address revline serve printed if it serves another)\n`);
    };
    switch (action) {
      case 'list':
        printResult(io.stdout, format, { title: 'Accounts', columns: ['login', 'role', 'user_id', 'password', 'disabled', 'changed_at', 'changed_by'], rows: (await listAccounts(engine)).map((a) => [a.login, a.role, a.userId, a.hasPassword ? 'set' : 'not set', a.disabled ? 'yes' : 'no', a.changedAt, a.changedBy]) });
        return 0;
      case 'add': {
        const login = needSubject('a login');
        const role = stringOption(values, 'role');
        if (role === undefined || !isRole(role)) throw new RevlineError('usage', role ? `Unknown role "${role}".` : '--role is needed.', { hint: `Roles: ${ROLES.join(', ')}.` });
        if (await findAccount(engine, login)) throw new RevlineError('account-invalid', `An account "${login}" exists already.`, { hint: 'Send them a link: revline access link <login>.' });
        const userId = stringOption(values, 'user-id');
        const account = await saveAccount(engine, systemClock, { login, role, ...(userId !== undefined ? { userId } : {}) }, BY);
        io.stdout.write(`Account ${account.login} (${account.role}) created.\n`);
        await printLink(account.login);
        return 0;
      }
      case 'link': {
        const account = await findAccount(engine, needSubject('a login'));
        if (!account) throw new RevlineError('record-not-found', `No account "${subject}".`, { hint: 'revline access list shows them.' });
        await printLink(account.login);
        return 0;
      }
      case 'keys':
        printResult(io.stdout, format, { title: 'API keys', columns: ['key_id', 'name', 'scopes', 'created_by', 'created_at', 'revoked_at'], rows: (await listKeys(engine)).map((k) => [k.keyId, k.name, k.scopes.join(','), k.createdBy, k.createdAt, k.revokedAt]) });
        return 0;
      case 'create-key': {
        const scopes = ((values['scope'] as string[] | undefined) ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
        if (!scopes.length) throw new RevlineError('usage', '--scope is needed.', { hint: `Scopes: ${SCOPES.join(', ')}.` });
        const key = await createKey(engine, systemClock, { name: stringOption(values, 'name') ?? '', scopes }, BY);
        printDocument(io.stdout, format, key, () => `API key ${key.keyId} (${key.scopes.join(', ')}) for "${key.name}". It is shown only now:\n  ${key.key}\nSend it as: Authorization: Bearer ${key.key}\n`);
        return 0;
      }
      case 'revoke-key': {
        const key = await revokeKey(engine, systemClock, needSubject('a key id'), BY);
        io.stdout.write(`API key ${key.keyId} revoked at ${key.revokedAt}.\n`);
        return 0;
      }
    }
    return 2;
  },
};
