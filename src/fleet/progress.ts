/**
 * What the fleet engines report while they work: per target and subject (a layer or a function), what is
 * running and what is waiting and why, so a long run never looks stuck.
 */
export type FleetProgress =
  | { target: string; subject: string; state: 'queued'; why: 'concurrency-limit' }
  | { target: string; subject: string; state: 'running'; step: string }
  | {
      target: string;
      subject: string;
      state: 'waiting';
      why: 'update-in-progress' | 'revision-changed' | 'update-settling';
    }
  | { target: string; subject: string; state: 'done' | 'failed' };

export type ProgressSink = (p: FleetProgress) => void;
