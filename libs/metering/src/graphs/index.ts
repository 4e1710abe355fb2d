export * from './usage-chart.renderer';
export { formatUsageValue, USAGE_UNITS, type UsageUnit } from './usage-units';
export { assertTimeZone } from './time-ticks';
