/**
 * Who may do what: the roles of people who sign in, the scopes of API keys, and the access every
 * HTTP route declares. Pure: the server asks {@link decide} and never decides on its own.
 *
 * Invariants:
 * - Every route declares its access; there is no default that lets a caller through. `public` is
 *   spelled out, for the few routes a signed-out browser needs (sign in, the dashboard's files).
 * - A person's role is one of {@link ROLES}; `admin` may do everything a route allows any role,
 *   because an admin who cannot see a report cannot help the people who can.
 * - An API key acts only through its scopes: a route that names no scope is closed to every key
 *   (managing users and keys, approving definitions and deciding leads need a person).
 */

export const ROLES = ['admin', 'revops', 'marketing', 'sales', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['read', 'import', 'collect'] as const;
export type Scope = (typeof SCOPES)[number];

/** What each role is for, as the user list and `--help` say it. */
export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  admin: 'everything, including people and API keys',
  revops: 'reads everything, imports data, proposes and backtests definitions',
  marketing: 'reads everything, proposes definitions, approves them for marketing',
  sales: 'reads everything, works the lead queue, approves definitions for sales',
  viewer: 'reads reports, attribution and records',
};

export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = {
  read: 'every read route: reports, attribution, records, definitions',
  import: 'uploads files to import',
  collect: 'sends tracked events',
};

/** The roles that read: every role. */
export const READERS: readonly Role[] = ROLES;

/** A route's declaration: `public`, or the roles a person needs and the scope a key needs (none: keys refused). */
export type Access = 'public' | { readonly roles: readonly Role[]; readonly scope?: Scope };

/** Who is calling: nobody, a signed-in person, or a program with an API key. */
export type Principal =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'person'; readonly login: string; readonly role: Role; readonly userId: string | null }
  | { readonly kind: 'key'; readonly keyId: string; readonly scopes: readonly Scope[]; readonly createdBy: string };

export type Decision = 'allowed' | 'sign-in-required' | 'forbidden';

export function decide(access: Access, principal: Principal): Decision {
  if (access === 'public') return 'allowed';
  switch (principal.kind) {
    case 'anonymous':
      return 'sign-in-required';
    case 'person':
      return principal.role === 'admin' || access.roles.includes(principal.role) ? 'allowed' : 'forbidden';
    case 'key':
      return access.scope !== undefined && principal.scopes.includes(access.scope) ? 'allowed' : 'forbidden';
  }
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
