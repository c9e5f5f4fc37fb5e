/** Each page of the navigation (navigation.ts) with its component. */

import type { ComponentType } from 'react';
import { PAGE_LIST, type PagePath } from '../navigation.js';
import { Accounts } from './Accounts.js';
import { Attribution } from './Attribution.js';
import { Campaigns } from './Campaigns.js';
import { Content } from './Content.js';
import { Definitions } from './Definitions.js';
import { Forecast } from './Forecast.js';
import { Leads } from './Leads.js';
import { Overview } from './Overview.js';
import { Pairs } from './Pairs.js';
import { AccountView, Contacts, ContactView } from './Records.js';
import { Scoring } from './Scoring.js';
import { Targets } from './Targets.js';

const COMPONENTS: Record<PagePath, ComponentType> = {
  overview: Overview,
  attribution: Attribution,
  content: Content,
  campaigns: Campaigns,
  leads: Leads,
  accounts: Accounts,
  pairs: Pairs,
  targets: Targets,
  forecast: Forecast,
  scoring: Scoring,
  definitions: Definitions,
  contacts: Contacts,
};

/** Pages whose address may name one record (`#/contacts/<id>`): that record's view. */
const RECORDS: Partial<Record<PagePath, ComponentType<{ id: string }>>> = { contacts: ContactView, accounts: AccountView };

export interface Page {
  readonly path: PagePath;
  readonly title: string;
  readonly component: ComponentType;
  readonly record?: ComponentType<{ id: string }>;
}

export const PAGES: readonly Page[] = PAGE_LIST.map((p) => ({ ...p, component: COMPONENTS[p.path], ...(RECORDS[p.path] ? { record: RECORDS[p.path] } : {}) }));
