/**
 * The dashboard's pages, in the order of the navigation. A page is reached at `#/<path>`; the
 * global filters travel with the address from page to page.
 */

import type { ComponentType } from 'react';
import { Accounts } from './Accounts.js';
import { Campaigns } from './Campaigns.js';
import { Content } from './Content.js';
import { Forecast } from './Forecast.js';
import { Leads } from './Leads.js';
import { Overview } from './Overview.js';
import { Pairs } from './Pairs.js';
import { Targets } from './Targets.js';

export interface Page {
  readonly path: string;
  readonly title: string;
  readonly component: ComponentType;
}

export const PAGES: readonly Page[] = [
  { path: 'overview', title: 'Overview', component: Overview },
  { path: 'content', title: 'Content', component: Content },
  { path: 'campaigns', title: 'Campaigns', component: Campaigns },
  { path: 'leads', title: 'Leads', component: Leads },
  { path: 'accounts', title: 'Accounts', component: Accounts },
  { path: 'pairs', title: 'Pairs', component: Pairs },
  { path: 'targets', title: 'Targets', component: Targets },
  { path: 'forecast', title: 'Forecast', component: Forecast },
];
