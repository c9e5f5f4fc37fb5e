/** Each page of the navigation (navigation.ts) with its component. */

import type { ComponentType } from 'react';
import { PAGE_LIST, type PagePath } from '../navigation.js';
import { Accounts } from './Accounts.js';
import { Campaigns } from './Campaigns.js';
import { Content } from './Content.js';
import { Forecast } from './Forecast.js';
import { Leads } from './Leads.js';
import { Overview } from './Overview.js';
import { Pairs } from './Pairs.js';
import { Targets } from './Targets.js';

const COMPONENTS: Record<PagePath, ComponentType> = {
  overview: Overview,
  content: Content,
  campaigns: Campaigns,
  leads: Leads,
  accounts: Accounts,
  pairs: Pairs,
  targets: Targets,
  forecast: Forecast,
};

export interface Page {
  readonly path: PagePath;
  readonly title: string;
  readonly component: ComponentType;
}

export const PAGES: readonly Page[] = PAGE_LIST.map((p) => ({ ...p, component: COMPONENTS[p.path] }));
