/**
 * The dashboard's pages by address and title, in the order of the navigation (pages/index.ts gives
 * each its component). Plain data, so the browser tests walk the same list the navigation shows.
 */

export const PAGE_LIST = [
  { path: 'overview', title: 'Overview' },
  { path: 'attribution', title: 'Attribution' },
  { path: 'content', title: 'Content' },
  { path: 'campaigns', title: 'Campaigns' },
  { path: 'leads', title: 'Leads' },
  { path: 'accounts', title: 'Accounts' },
  { path: 'pairs', title: 'Pairs' },
  { path: 'targets', title: 'Targets' },
  { path: 'forecast', title: 'Forecast' },
  { path: 'scoring', title: 'Scoring' },
  { path: 'definitions', title: 'Definitions' },
  { path: 'contacts', title: 'Contacts' },
] as const;

export type PagePath = (typeof PAGE_LIST)[number]['path'];

/** Pages the global filters (dates, channel, segment, owner, campaign) say nothing about: they show no filter bar. */
export const PAGES_WITHOUT_FILTERS: readonly PagePath[] = ['scoring'];
