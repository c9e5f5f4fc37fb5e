/**
 * The dashboard's pages, in the order of the navigation. A page is reached at `#/<path>`; the
 * global filters travel with the address from page to page.
 */

import type { ComponentType } from 'react';
import { Overview } from './Overview.js';

export interface Page {
  readonly path: string;
  readonly title: string;
  readonly component: ComponentType;
}

export const PAGES: readonly Page[] = [{ path: 'overview', title: 'Overview', component: Overview }];
