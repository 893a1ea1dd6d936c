// The playground build's own exports (dist/pkg/playground-engine.js, the
// `playground` feature), besides those of types.d.ts: not in the public module.

/** Which fixes `fix()` applies: one finding's (any applicability), else every safe fix of the findings not hidden. */
export interface FixSelect {
  /** The index of the finding in `check(text, options).findings`. */
  finding?: number;
  /** With `finding`: its rule and message as the caller saw them; another finding there is refused. */
  rule?: string;
  message?: string;
  /** Without `finding`: leave findings of these severities alone. */
  hiddenSeverities?: Severity[];
  /** Without `finding`: leave findings of these rule families ('pss', 'workload', …) alone. */
  hiddenFamilies?: string[];
}

/** What `fix()` did: the text to keep (the input when nothing changed) and the rules whose fixes it applied, or why it left the text alone. */
export interface FixResult {
  text: string;
  changed: boolean;
  applied: string[];
  refused: string | null;
}

/** Applies fixes as `posture fix` does, verified: the text changes only when the fixed findings are gone, no finding appeared, and every document still parses and holds the same objects. */
export function fix(text: string, options?: Options, select?: FixSelect): FixResult;

/** The report of `text` as a file, exactly as `posture check --format json|sarif` writes it. */
export function render(text: string, options: Options | undefined, format: 'json' | 'sarif'): string;

/** Checker, in the playground's build. */
export interface Checker {
  /**
   * `changes()` as the playground's page reads it: the new findings packed as bytes (a format of this
   * build only, see src/playground/packed.rs) in `findings`, the rest of the report as JSON in `report`.
   */
  packedChanges(): Omit<ReportChanges, 'reports'> & { report: string; findings: Uint8Array };
}
