/**
 * The committed experiment results (content/data/<notebook>.json), loaded once at build time and
 * validated as run records. Every page, component and article reads a committed result through
 * here, so a missing or malformed file fails the build with one message naming the file.
 */
import { runRecordSchema, type RunRecord } from '../../notebooks/runtime/run-meta';

// Eager glob: every committed record is known at build time, so a missing file is a build error
// listing what exists, not a runtime 404. The glob also sees the other data files (models.json …);
// only the requested id is ever validated.
const files = import.meta.glob<{ default: unknown }>('../../content/data/*.json', { eager: true });
const fileOf = (id: string): string => `../../content/data/${id}.json`;

/** Whether content/data/<id>.json exists (a notebook may be pending until its result is committed). */
export const hasCommittedRecord = (id: string): boolean => fileOf(id) in files;

/**
 * The committed run record of notebook `id`. Throws an Error naming the file when it is missing,
 * is not a run record, or holds another notebook's record.
 */
export function committedRecord(id: string): RunRecord {
  const file = files[fileOf(id)];
  if (!file) {
    const known = Object.keys(files).map((f) => f.replace(/^.*\//, '')).join(', ');
    throw new Error(`content/data/${id}.json does not exist; run \`npm run notebook -- ${id}\` (found: ${known})`);
  }
  const record = runRecordSchema.safeParse(file.default);
  if (!record.success) {
    throw new Error(`content/data/${id}.json is not a run record: ${record.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  if (record.data.meta.id !== id) throw new Error(`content/data/${id}.json holds a record of "${record.data.meta.id}"`);
  return { meta: record.data.meta, result: record.data.result };
}
