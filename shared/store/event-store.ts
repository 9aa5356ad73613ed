/**
 * The port for experiment data: accepted events counted once into units' state and sharded statistics,
 * read back per cell and per day, and refused exposures counted.
 */
import type { MismatchedExposure, PreparedEvent } from '../experiments/ingest-plan';
import type { StatsVector } from '../experiments/unit-state';
import type { MetricDefinition } from '../model/metric';

export type StoredOutcome = 'accepted' | 'duplicate';

/**
 * Experiment data: each accepted event, each unit's state, and the sharded sufficient statistics.
 * An event, its units' new state and the statistics it changes commit together or not at all,
 * and an id already stored is a duplicate, so retries and concurrent writers never count twice.
 */
export interface EventStore {
  /** Stores the events exactly once; resolves with each event's outcome by id. */
  ingest(
    events: readonly PreparedEvent[],
    catalogue: readonly MetricDefinition[],
  ): Promise<Map<string, StoredOutcome>>;
  /**
   * The experiment's statistics per cell (variant × channel): the running totals kept beside the
   * days, so the read costs variants × channels × shards items whatever the events and days.
   */
  readCells(experiment: string): Promise<Map<string, StatsVector>>;
  /**
   * The changes to the statistics per UTC day of the events' timestamps, days in order: their
   * running sum at the end of each day equals the statistics of exactly the events timestamped up
   * to then, whatever order they arrived in (the last one is readCells).
   */
  readDailyCells(experiment: string): Promise<Map<string, Map<string, StatsVector>>>;
  /**
   * Counts refused exposures (variant not the platform's assignment) exactly once per event id,
   * per experiment and channel; they change no statistic.
   */
  recordMismatches(mismatches: readonly MismatchedExposure[]): Promise<void>;
  /** The experiment's refused exposures per channel, summed over shards. */
  readAssignmentMismatches(experiment: string): Promise<Map<string, number>>;
}
