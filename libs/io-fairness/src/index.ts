export * from './io-impact.analysis';
export * from './io-impact.chart';
export * from './io-impact.service';
export * from './io-impact.window';
export * from './io-policy';
export * from './io-policy.service';
export * from './io-recommendations';
export * from './io-fairness.module';
