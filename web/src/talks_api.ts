// The talks part of the app API (issue 18; docs/app-api.md): the shapes the
// core answers, typed for the views. Every number here (utilities, the
// frontier, Nash, Kalai–Smorodinsky) is computed by the application core; the
// page only renders it.
import { type Answer, api } from './api';

export type Package = Record<string, string>;

export interface Happening {
  talks: string;
  text: string;
}

// Every talks op answers this envelope; `result` is the op's own answer.
export interface TalksOutcome<R> {
  happenings: Happening[];
  refused: unknown[];
  queued: number;
  result: R;
}

export interface Member {
  name: string;
  role: string;
  side: string;
}

export interface MoveView {
  id: number;
  kind: string;
  side: string;
  by?: string;
  authority?: string;
  label?: string;
  package?: Package;
  withdrawn?: boolean;
  my_utility?: number;
  target?: number;
  reason?: string;
  conditions?: string[];
}

export interface Verdict {
  approve: boolean;
  reason: string;
}

export interface DraftView {
  id: string;
  by: string;
  move: string;
  package: Package;
  revises: string;
  clearance: string;
  waiting_for: string[];
  blocked_by: string[];
  verdicts: Record<string, Verdict>;
  tabled: boolean;
}

export interface ConditionView {
  id: string;
  text: string;
  guarantor: string;
  status: string;
  note: string;
}

export interface SuggestionView {
  id: string;
  package: Package;
  note: string;
  conditions: string[];
  my_utility?: number;
}

export interface TimelineEntry {
  seq: number;
  time_ms: number;
  kind: string;
  scope: string | null;
  by: string | null;
  side: string | null;
  text: string;
  authority: string | null;
  label: string | null;
  move: number | null;
}

export interface TalksView {
  talks: string;
  title: string;
  joined: boolean;
  sides: string[];
  host: string;
  me: Member;
  phase: string;
  phase_words: string;
  members: Member[];
  clearance_rule?: string;
  suspended: boolean;
  suspension?: { by: string; side: string; reason: string };
  moves: MoveView[];
  agreement?: number;
  agreed_package?: Package;
  suggestions: SuggestionView[];
  conditions: ConditionView[];
  drafts: DraftView[];
  floated_in_caucus: { from: string; side: string; package: Package; note: string }[];
  profiles_shared: string[];
  timeline?: TimelineEntry[];
}

export interface AgendaIssue {
  issue: string;
  weight: number | null;
  options: { option: string; value: number | null }[];
}

export interface Agenda {
  issues: AgendaIssue[];
  reservation: number | null;
  profile_held: boolean;
  profile_text: string | null;
}

export interface Evaluation {
  complete: boolean;
  my_utility: number | null;
  others: { side: string; utility: number | null; estimated: boolean }[];
  words: string;
}

export interface Point {
  package: Package;
  u: (number | null)[];
}

export interface Offer extends Point {
  move: number;
  side: string;
  kind: string;
  withdrawn: boolean;
}

export interface Analysis {
  title: 'exact' | 'estimated';
  explain: Record<string, string>;
  sides: string[];
  me: string | null;
  known: boolean[];
  exact: boolean[];
  outcomes: string;
  pairs: [number, number][];
  sample: Point[];
  sample_complete: boolean;
  frontier: Point[];
  frontier_complete: boolean;
  nash: Point | null;
  kalai_smorodinsky: Point | null;
  reservations: (number | null)[];
  offers: Offer[];
}

export interface RecordCheck {
  intact: boolean;
  entries: number;
  head: string;
  problem: string | null;
}

export interface RecordFile {
  filename: string;
  content_type: string;
  content: string;
}

// One talks op; the answer's `result` with the envelope beside it.
export function talksOp<R>(op: string, fields: Record<string, unknown>): Promise<Answer<TalksOutcome<R>>> {
  return api.request<TalksOutcome<R>>(op, fields);
}

// A package as people read it: "issue: option; ...".
export function packageWords(p: Package | undefined): string {
  if (!p) return '';
  return Object.entries(p)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
}

// A utility the core computed, shown as it is (three decimals for reading;
// the data attributes and tables carry the core's number unrounded).
export function utilityWords(u: number | null | undefined): string {
  return u === null || u === undefined ? 'unknown' : u.toFixed(3);
}
