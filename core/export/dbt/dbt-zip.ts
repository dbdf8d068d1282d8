import { writeFileSync } from 'node:fs';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { UserError } from '../../util/user-error.ts';
import { dbtProjectFiles, type DbtExportOptions } from './dbt-project.ts';

/**
 * The dbt project as one .zip file, its files under a `session_explorer/` folder: what a
 * browser can download (the desktop app and the CLI write the folder instead).
 */
export function writeDbtZip(options: Omit<DbtExportOptions, 'outDir'>, zipPath: string): { files: number } {
  const files = dbtProjectFiles(options);
  const tree: Zippable = {};
  for (const file of files) tree[`session_explorer/${file.path}`] = strToU8(file.text);
  try {
    writeFileSync(zipPath, zipSync(tree, { level: 6 }));
  } catch (error) {
    throw new UserError(`cannot write ${zipPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return { files: files.length };
}
