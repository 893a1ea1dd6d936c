/** Which rules run and how: the CLI's flags of `posture check`, with the same defaults. */
export interface Options {
  /** The Pod Security Standards level pss/* rules enforce (`--pss-level`); default 'restricted'. */
  pssLevel?: 'baseline' | 'restricted';
  /** The Pod Security policy version pss/* rules evaluate at (`--pss-version`): 'latest' (default) or 'v1.0' to 'v1.37'. */
  pssVersion?: string;
  /** The Kubernetes version control-plane configuration is judged for (`--kubernetes-version`): 'latest' (default) or '1.16' to '1.37'. */
  kubernetesVersion?: string;
  /** Run only these rules: exact ids or families ('pss' or 'pss/') (`--select`). */
  select?: string[];
  /** Skip these rules, named the same way, after `select` (`--ignore`). */
  ignore?: string[];
  /** Registries images may come from (`--allowed-registry`); turns on image/registry-allowlist. */
  allowedRegistries?: string[];
  /** The `file` of findings and errors; default 'input.yaml'. */
  fileName?: string;
}

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export type Practice =
  | 'api-access' | 'encryption' | 'pod-security' | 'image-policy' | 'network-policy'
  | 'audit' | 'control-plane' | 'resource-limits' | 'admission';

/** A place in the input: 1-based line, 1-based column counted in code points, 0-based byte offset into the UTF-8 text (as in the CLI). */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface Span {
  start: Position;
  end: Position;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string | null;
  namespace: string | null;
}

/** One edit of a fix: replace the bytes start..end of the input with text. */
export interface FixEdit {
  start: number;
  end: number;
  text: string;
}

export interface Fix {
  applicability: 'safe' | 'unsafe' | 'needs-value';
  edits: FixEdit[];
}

export interface Finding {
  rule: string;
  title: string;
  severity: Severity;
  message: string;
  file: string;
  /** 1-based document in the stream. */
  document: number;
  object: ObjectRef;
  span: Span;
  remediation: { text: string; snippet: string };
  /** The fix's edits, when the rule has a fix for this case. */
  fix?: Fix;
  /** Why no fix can be made with certainty here. */
  fixRefused?: string;
  /** The template Helm's `# Source:` comment names. */
  source?: string;
}

export interface SuppressedFinding extends Finding {
  suppression: { via: 'annotation' | 'comment'; reason: string };
}

/** Input that could not be checked. */
export interface InputError {
  file: string;
  document: number | null;
  message: string;
  span: Span | null;
}

/** A document that is not a manifest (a chart's values, a kustomization): what it is and how to render it. */
export interface Note {
  file: string;
  document: number;
  message: string;
}

export interface PracticeSummary {
  practice: Practice;
  title: string;
  status: 'fail' | 'pass' | 'not-assessed';
  rules: number;
  objects: number;
  findings: number;
  bySeverity: Record<Severity, number>;
}

export interface Summary {
  files: number;
  documents: number;
  objects: number;
  skippedDocuments: number;
  findings: number;
  suppressed: number;
  errors: number;
  bySeverity: Record<Severity, number>;
}

/** The report: exactly what `posture check --format json` prints. */
export interface Report {
  errors: InputError[];
  findings: Finding[];
  notes: Note[];
  practices: PracticeSummary[];
  summary: Summary;
  suppressed: SuppressedFinding[];
}

/** A rule of the registry, as `posture rules --format json` prints it. */
export interface Rule {
  id: string;
  family: string;
  title: string;
  severity: Severity;
  practice: Practice;
  rationale: string;
  references: { title: string; url: string }[];
  cis: { item: string; title: string }[];
  sources: { tool: 'checkov' | 'kubescape' | 'trivy' | 'kube-linter' | 'polaris'; id: string }[];
  kinds: string[];
  remediation: string;
  snippet: string;
  pss: { check: string; level: 'baseline' | 'restricted'; since: string; overrides: string | null } | null;
  /** Examples the rule flags (each finding's line ends in `# expect: <rule id>`). */
  bad: string[];
  /** Examples it must not flag. */
  good: string[];
}

/** Checks `text` as one input. Throws a TypeError naming a bad or unknown option. */
export function check(text: string, options?: Options): Report;

/** Every rule, in the registry's order. */
export function rules(): Rule[];

/** The engine's version (the `posture` crate's). */
export const version: string;

/**
 * `Checker.changes()`: the findings of the last answer patched into those of `check()`. Each hunk
 * `[start, end, added]` (in order, apart) replaces the old findings `start..end` with the next `added` findings
 * of `reports`; every other old finding is kept, those from index `moved` on moved by `shift`. Everything else
 * of the report (errors, suppressed, notes, practices, summary) is the first report's.
 */
export interface ReportChanges {
  hunks: [start: number, end: number, added: number][];
  moved: number;
  /** Added to the kept findings from `moved` on: `offset` to their spans' and fix edits' offsets, `line` to their spans' lines, `document` to their documents (columns stay). */
  shift: { offset: number; line: number; document: number };
  /**
   * JSON texts of reports (the CLI's schema), each with up to 2,000 of the new findings, so that a page can
   * read them one at a time; the first has the report's errors, suppressed findings, notes, practices and
   * summary, the others none (and the same summary).
   */
  reports: string[];
}

/** One text checked again and again as it is edited; only the documents edits touched are parsed again. */
export class Checker {
  /** Throws a TypeError naming a bad or unknown option. The text starts empty. */
  constructor(options?: Options);
  /** Replaces the whole text (checked on the next `check()`). */
  setText(text: string): void;
  /**
   * Replaces the UTF-16 code units start..end of the current text (as JavaScript strings and textareas
   * count) with `text`; checked on the next `check()`. Throws a RangeError for a range not within the text
   * or an end inside a surrogate pair.
   */
  edit(start: number, end: number, text: string): void;
  /** The report of the current text: exactly `check(text, options)`. */
  check(): Report;
  /**
   * The report of the current text as changes since the last `changes()` (the first: since a report with no
   * findings), for a caller that keeps the findings and patches them rather than reading them all again
   * (one keystroke in a text with 40,000 findings changes a few). See `ReportChanges`.
   */
  changes(): ReportChanges;
  /** Frees the checker's memory in the wasm instance. */
  free(): void;
  [Symbol.dispose](): void;
}
