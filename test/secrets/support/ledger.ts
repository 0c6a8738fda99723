import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { maskSecret } from '../../../app/secrets/mask.js';
import type { SecretSweepFigures } from '../../support/figures.js';
import { findLeaks, type Leak, type Plant, type PlantId } from './plants.js';

/**
 * Everything the sweep saw leave Push Doctor, by surface: each text is kept (the plants are searched
 * once all of them are in), with a label saying which command, channel or file it came from.
 */
export interface SeenText {
  surface: Surface;
  label: string;
  text: string;
}

/** The surfaces a secret could leave by; the figure "planted secrets checked" counts plants × surfaces. */
export const SURFACES = {
  cliStdout: 'CLI stdout',
  cliStderr: 'CLI stderr',
  cliJson: 'CLI --json output',
  ipcResults: 'IPC results',
  ipcErrors: 'IPC error messages',
  ipcEvents: 'IPC events (progress, re-test)',
  report: 'Markdown report',
  clipboard: 'clipboard and opened pages',
  renderer: 'renderer state (zustand)',
  stateFolder: 'journal and state folder files',
  appState: "the app's state file",
  backupListing: 'backup listing (history, backup names)',
  logs: 'logs',
  thrown: 'thrown error messages',
} as const;
export type Surface = (typeof SURFACES)[keyof typeof SURFACES];

export class Ledger {
  readonly seen: SeenText[] = [];

  add(surface: Surface, label: string, value: unknown): void {
    const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
    this.seen.push({ surface, label, text });
  }

  /** Where a plant shows, on any surface. */
  leaksOf(plant: Plant): Leak[] {
    return this.seen.flatMap((s) => findLeaks([plant], s.surface, s.label, s.text));
  }

  /**
   * The plants whose masked form (ATAT…9F2C) shows nowhere: the engine never met them, and searching
   * for them would prove nothing. Only for plants the app shows masked when it reads them.
   */
  unmet(plants: readonly Plant[]): PlantId[] {
    const all = this.seen.map((s) => s.text).join('\n');
    return plants.filter((p) => p.unavailable === null && !all.includes(maskSecret(p.value))).map((p) => p.id);
  }

  /** How many texts each surface gave. */
  surfaces(): Map<Surface, number> {
    const counts = new Map<Surface, number>();
    for (const s of this.seen) counts.set(s.surface, (counts.get(s.surface) ?? 0) + 1);
    return counts;
  }

  figures(file: string, plants: readonly Plant[]): SecretSweepFigures {
    const planted = plants.filter((p) => p.unavailable === null);
    return {
      file,
      secrets: planted.map((p) => p.id),
      skipped: plants.filter((p) => p.unavailable !== null).map((p) => ({ id: p.id, reason: p.unavailable! })),
      surfaces: Object.fromEntries(this.surfaces()),
      leaks: planted.reduce((n, p) => n + this.leaksOf(p).length, 0),
    };
  }
}

/** With PUSH_DOCTOR_SWEEP_DUMP=DIR, every text the sweep saw goes to DIR/NAME.json (to read what the app says). */
export async function dumpLedger(ledger: Ledger, name: string): Promise<void> {
  const dir = process.env.PUSH_DOCTOR_SWEEP_DUMP;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `${name}.json`), JSON.stringify(ledger.seen, null, 2));
}

/** A readable failure: every place a plant showed, with a little context. */
export function describeLeaks(leaks: readonly Leak[]): string {
  return leaks.map((l) => `${l.surface} / ${l.label}: ${l.form} in "…${l.context}…"`).join('\n');
}

export type { Leak, PlantId };
