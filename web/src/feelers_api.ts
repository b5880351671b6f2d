// The feeler answers' types (docs/app-api.md, feeler.*; issue 15): every
// state, topic, match, budget and overlap answer comes from the app core as
// it is; the page only words them.
import { type Answer, api } from './api';

export interface OverlapCheck {
  label: string;
  unit: string;
  width: number;
  side: 'at_least' | 'at_most';
  value: number;
  overlap: '' | 'yes' | 'no';
}

export interface FeelerView {
  id: string;
  contact: string;
  kind: 'feeler' | 'overlap';
  // incoming, offered, responded, finished, done, expired, withheld
  phase: string;
  created_at: number; // seconds
  expires_at: number; // seconds
  k: number;
  topics: string[]; // our own, normalised
  matched: string[]; // done: our topics the contact also chose
  notice: string; // withheld: who could learn and withheld ours
  overlap_check?: OverlapCheck;
}

export interface FeelerReport {
  events: string[];
  refused: { code: string; message: string }[];
  queued: number;
  result: {
    feeler?: FeelerView;
    feelers?: FeelerView[];
    budget_per_day?: number;
    budget_left?: number;
    forgotten?: string;
    forgotten_ids?: string[];
  };
}

export function feelerOp(op: string, fields: Record<string, unknown>): Promise<Answer<FeelerReport>> {
  return api.request<FeelerReport>(op, fields);
}
