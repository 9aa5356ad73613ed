/**
 * The statistics engine's public surface: the two-arm analysis, SRM, p-value adjustment, heterogeneity
 * and the distributions, with their types.
 */
export { adjustPValues } from './adjust';
export { analyzeTwoArm, DEFAULT_ALPHA, DEFAULT_PRIOR } from './analyze-two-arm';
export { chiSquareSf } from './chi-square';
export { type CochranQ, cochranQ, type StudyEstimate } from './heterogeneity';
export { normalCdf, normalPdf, normalQuantile, normalSf } from './normal';
export { DEFAULT_SEQUENTIAL_TUNING } from './sequential';
export { SRM_MIN_UNITS_PER_ARM, SRM_THRESHOLD, srmTest } from './srm';
export { studentTCdf, studentTPdf, studentTQuantile, studentTSf } from './student-t';
export type {
  AdjustMethod,
  ArmStats,
  Bayes,
  Effect,
  GaussianPrior,
  MetricType,
  SrmResult,
  StatsError,
  TwoArmInput,
  TwoArmResult,
} from './types';
