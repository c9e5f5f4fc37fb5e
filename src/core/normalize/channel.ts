/**
 * Channels: every touch, contact source, opportunity source and campaign is put in one of the fixed
 * channels of `CHANNELS`, from whatever the file says: a channel name, a CRM "lead source", or a
 * web source and medium (utm_source / utm_medium).
 *
 * The rules are data (`CHANNEL_SYNONYMS`, `MEDIUM_RULES`, `SOURCE_RULES`), so the SQL form compiles
 * the very same table into a CASE expression. Order of decision:
 *   1. the channel value, as a vocabulary key, if it is a channel or a synonym of one;
 *   2. the medium (with the source deciding paid vs organic social), if a rule knows it;
 *   3. the source alone (search engines, social networks, `(direct)`), if a rule knows it;
 *   4. `other`, when any of them had a value — counted and reported, never dropped;
 *   5. null, when all were empty.
 *
 * Invariant: the result is always null or a member of CHANNELS.
 */

import { CHANNELS, type Channel } from '../vocabulary.js';
import { vocabularyKey } from './text.js';

/** Vocabulary keys (see `vocabularyKey`) that name a channel in other words. */
export const CHANNEL_SYNONYMS: Readonly<Record<string, Channel>> = {
  ppc: 'paid_search',
  cpc: 'paid_search',
  sem: 'paid_search',
  paid: 'paid_search',
  paidsearch: 'paid_search',
  search_ads: 'paid_search',
  google_ads: 'paid_search',
  adwords: 'paid_search',
  seo: 'organic_search',
  organic: 'organic_search',
  search: 'organic_search',
  paidsocial: 'paid_social',
  social_ads: 'paid_social',
  social_paid: 'paid_social',
  linkedin_ads: 'paid_social',
  facebook_ads: 'paid_social',
  social: 'organic_social',
  social_media: 'organic_social',
  organicsocial: 'organic_social',
  e_mail: 'email',
  email_marketing: 'email',
  newsletter: 'email',
  nurture: 'email',
  direct_traffic: 'direct',
  none: 'direct',
  referrals: 'referral',
  word_of_mouth: 'referral',
  external_referral: 'referral',
  employee_referral: 'referral',
  banner: 'display',
  programmatic: 'display',
  display_ads: 'display',
  advertisement: 'display',
  event: 'events',
  trade_show: 'events',
  tradeshow: 'events',
  conference: 'events',
  seminar: 'events',
  field_event: 'events',
  webinars: 'webinar',
  virtual_event: 'webinar',
  syndication: 'content_syndication',
  content_syndication: 'content_syndication',
  partners: 'partner',
  partner_referral: 'partner',
  affiliate: 'partner',
  reseller: 'partner',
  outbound: 'outbound_sales',
  sdr: 'outbound_sales',
  bdr: 'outbound_sales',
  cold_call: 'outbound_sales',
  cold_email: 'outbound_sales',
  prospecting: 'outbound_sales',
  sales: 'outbound_sales',
};

/** Sources (vocabulary keys) that are social networks: they turn a paid medium into paid_social. */
export const SOCIAL_SOURCES = [
  'facebook',
  'facebook.com',
  'm.facebook.com',
  'fb',
  'instagram',
  'instagram.com',
  'linkedin',
  'linkedin.com',
  'lnkd.in',
  'twitter',
  'twitter.com',
  't.co',
  'x',
  'x.com',
  'youtube',
  'youtube.com',
  'reddit',
  'reddit.com',
  'tiktok',
  'tiktok.com',
  'pinterest',
  'xing',
] as const;

export const SEARCH_SOURCES = [
  'google',
  'google.com',
  'bing',
  'bing.com',
  'yahoo',
  'search.yahoo.com',
  'duckduckgo',
  'duckduckgo.com',
  'baidu',
  'baidu.com',
  'yandex',
  'yandex.ru',
  'ecosia',
  'ecosia.org',
  'qwant',
  'brave',
] as const;

export interface MediumRule {
  readonly mediums: readonly string[];
  /** Channel when the source is a social network, if different. */
  readonly social?: Channel;
  readonly channel: Channel;
}

export const MEDIUM_RULES: readonly MediumRule[] = [
  { mediums: ['cpc', 'ppc', 'paid_search', 'paidsearch', 'sem', 'cpv', 'paid'], social: 'paid_social', channel: 'paid_search' },
  { mediums: ['paid_social', 'paidsocial', 'social_paid', 'sponsored'], channel: 'paid_social' },
  { mediums: ['display', 'banner', 'cpm', 'programmatic', 'retargeting'], channel: 'display' },
  { mediums: ['email', 'e_mail', 'newsletter', 'mail'], channel: 'email' },
  { mediums: ['social', 'social_network', 'social_media', 'sm', 'organic_social'], channel: 'organic_social' },
  { mediums: ['organic'], social: 'organic_social', channel: 'organic_search' },
  { mediums: ['referral'], social: 'organic_social', channel: 'referral' },
  { mediums: ['affiliate', 'partner'], channel: 'partner' },
  { mediums: ['event', 'events', 'tradeshow', 'trade_show', 'conference'], channel: 'events' },
  { mediums: ['webinar'], channel: 'webinar' },
  { mediums: ['syndication', 'content_syndication'], channel: 'content_syndication' },
  { mediums: ['(none)', 'none', 'direct'], channel: 'direct' },
  { mediums: ['outbound', 'sales'], channel: 'outbound_sales' },
];

export interface SourceRule {
  readonly sources: readonly string[];
  readonly channel: Channel;
}

export const SOURCE_RULES: readonly SourceRule[] = [
  { sources: ['(direct)', 'direct'], channel: 'direct' },
  { sources: SEARCH_SOURCES, channel: 'organic_search' },
  { sources: SOCIAL_SOURCES, channel: 'organic_social' },
];

const KNOWN = new Set<string>(CHANNELS);

/** The channel named by a value, directly or as a synonym; null if it names none. */
export function channelNamed(key: string | null): Channel | null {
  if (key === null) return null;
  if (KNOWN.has(key)) return key as Channel;
  return CHANNEL_SYNONYMS[key] ?? null;
}

export interface ChannelInputs {
  readonly channel?: string | null | undefined;
  readonly source?: string | null | undefined;
  readonly medium?: string | null | undefined;
}

export function mapChannel(inputs: ChannelInputs): Channel | null {
  const channel = vocabularyKey(inputs.channel);
  const source = vocabularyKey(inputs.source);
  const medium = vocabularyKey(inputs.medium);
  const named = channelNamed(channel);
  if (named !== null) return named;
  const social = source !== null && (SOCIAL_SOURCES as readonly string[]).includes(source);
  if (medium !== null) {
    const rule = MEDIUM_RULES.find((r) => r.mediums.includes(medium));
    if (rule) return social && rule.social ? rule.social : rule.channel;
  }
  if (source !== null) {
    const rule = SOURCE_RULES.find((r) => r.sources.includes(source));
    if (rule) return rule.channel;
  }
  return channel !== null || source !== null || medium !== null ? 'other' : null;
}
