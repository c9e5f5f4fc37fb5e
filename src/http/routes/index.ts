/**
 * Every API route, in the order the OpenAPI document lists them. `createApp` registers exactly
 * these, and test/http/access.case.test.ts walks them with every kind of caller.
 */

import type { ApiRoute } from '../route.js';
import { ACCESS_ROUTES } from './access.js';
import { COLLECT_ROUTES } from './collect.js';
import { DEFINITION_ROUTES } from './definitions.js';
import { IMPORT_ROUTES } from './imports.js';
import { LEAD_ROUTES } from './leads.js';
import { ATTRIBUTION_ROUTES } from './attribution.js';
import { RECORD_ROUTES } from './records.js';
import { REPORT_ROUTES } from './reports.js';
import { SCORE_ROUTES } from './scores.js';
import { STATUS_ROUTES } from './status.js';

export const API_ROUTES: readonly ApiRoute[] = [...ACCESS_ROUTES, ...STATUS_ROUTES, ...REPORT_ROUTES, ...ATTRIBUTION_ROUTES, ...RECORD_ROUTES, ...SCORE_ROUTES, ...DEFINITION_ROUTES, ...LEAD_ROUTES, ...IMPORT_ROUTES, ...COLLECT_ROUTES];
