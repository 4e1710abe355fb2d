export interface ConfigProblem {
  variable: string;
  expected: string;
  received?: string;
}

/** Thrown at boot when the environment cannot be turned into a CarveConfig. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      'Invalid configuration:\n' +
        problems
          .map((p) => `  ${p.variable}: expected ${p.expected}${p.received === undefined ? '' : `, got "${p.received}"`}`)
          .join('\n'),
    );
    this.name = 'ConfigError';
  }
}
