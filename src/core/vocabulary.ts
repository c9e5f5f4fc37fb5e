/**
 * The closed vocabularies of the domain (DESIGN.md, "The model").
 *
 * Channels and touch types are fixed lists: every imported value maps onto them. A channel that no
 * rule recognises becomes `other` and is counted, never dropped. Lifecycle and opportunity stage
 * lists are defaults; a workspace may configure its own.
 */

export const CHANNELS = [
  'paid_search',
  'organic_search',
  'paid_social',
  'organic_social',
  'email',
  'direct',
  'referral',
  'display',
  'events',
  'webinar',
  'content_syndication',
  'partner',
  'outbound_sales',
  'other',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const TOUCH_TYPES = [
  'page_view',
  'form_fill',
  'content_download',
  'email_open',
  'email_click',
  'ad_click',
  'event',
  'webinar',
  'meeting',
  'call',
  'demo_request',
  'trial_signup',
] as const;
export type TouchType = (typeof TOUCH_TYPES)[number];

export const DEFAULT_LIFECYCLE_STAGES = [
  'subscriber',
  'lead',
  'mql',
  'sal',
  'sql',
  'opportunity',
  'customer',
  'disqualified',
  'recycled',
  'closed_lost',
] as const;

export const DEFAULT_OPPORTUNITY_STAGES = [
  'qualification',
  'meeting',
  'proposal',
  'negotiation',
  'closed_won',
  'closed_lost',
] as const;

/** Who created a contact or an opportunity. */
export const CREATORS = ['marketing', 'sales', 'partner', 'self', 'other'] as const;
export type Creator = (typeof CREATORS)[number];

export const CONTENT_TYPES = [
  'blog',
  'ebook',
  'whitepaper',
  'case_study',
  'webinar',
  'video',
  'report',
  'infographic',
  'landing_page',
  'product_page',
  'pricing_page',
  'documentation',
  'other',
] as const;

export const FUNNEL_STAGES = ['tofu', 'mofu', 'bofu'] as const;

export const TEAMS = ['marketing', 'sales', 'revops', 'partner', 'other'] as const;

export const LIFECYCLE_ACTORS = ['rule', 'user', 'import'] as const;

export const TARGET_METRICS = ['pipeline', 'revenue', 'leads', 'mqls', 'sqls', 'opportunities', 'won'] as const;

export const IDENTITY_METHODS = ['form_fill', 'identify', 'import'] as const;

/** Mail providers whose domain says nothing about the employer: never used to match an account. */
export const DEFAULT_FREE_MAIL_DOMAINS = [
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'ymail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'outlook.com',
  'live.com',
  'msn.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'proton.me',
  'protonmail.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.com',
  'mail.ru',
  'yandex.ru',
  'yandex.com',
  'qq.com',
  '163.com',
  '126.com',
  'zoho.com',
  'fastmail.com',
  'hey.com',
  'tutanota.com',
  'orange.fr',
  'free.fr',
  'libero.it',
  't-online.de',
] as const;
